#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fetches the sources of the upstream Hyper-V tools the differential tests build as their reference
# (tools/hv/hv_fcopy_uio_daemon.c, vmbus_bufring.{c,h} and include/uapi/linux/hyperv.h) from
# Debian's linux-source-6.12 package in bookworm-backports, into DEST (default
# /var/cache/guestd-ci/linux-tools-6.12). Nothing under /etc is changed: apt runs with its own
# source list and state in a scratch directory, the archive URI taken from the machine's own
# Debian source list; the .deb is downloaded, not installed. Idempotent (a filled DEST is kept).
set -euo pipefail
dest=${1:-/var/cache/guestd-ci/linux-tools-6.12}
if [ -f "$dest/tools/hv/hv_fcopy_uio_daemon.c" ]; then
    echo "linux tools sources already in $dest"
    exit 0
fi
uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
if [ -z "$uri" ]; then
    uri=$(awk '$1 == "deb" && $3 ~ /^bookworm/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$uri" ] || { echo "no Debian archive URI found in the machine's source list" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb $uri bookworm-backports main" > "$work/sources.list"
apt_opts=(-o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=- \
    -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" -o APT::Sandbox::User=root)
apt-get -qq "${apt_opts[@]}" update
(cd "$work" && apt-get -qq "${apt_opts[@]}" download linux-source-6.12)
deb=$(ls "$work"/linux-source-6.12_*.deb)
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" ./usr/src/linux-source-6.12.tar.xz
mkdir -p "$dest"
tar -xJf "$work/usr/src/linux-source-6.12.tar.xz" -C "$dest" --strip-components=1 \
    linux-source-6.12/tools/hv linux-source-6.12/include/uapi/linux/hyperv.h
basename "$deb" > "$dest/SOURCE"
echo "linux tools sources from $(cat "$dest/SOURCE") in $dest"
