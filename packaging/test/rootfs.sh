#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes (once) the cached Debian 12 rootfs the nspawn install test boots: debootstrap minbase with
# systemd, plus the .debs of a Java 17 headless runtime downloaded (not installed) into its apt cache,
# so the test installs guestd "with its Java dependency" through apt, offline and fast.
# Usage: rootfs.sh CACHE_DIR      -> CACHE_DIR/rootfs (kept between CI runs, outside the repository)
set -eu
cache=${1:?usage: rootfs.sh CACHE_DIR}
recipe=3    # bump when the recipe below changes: the cache is rebuilt
stamp="$cache/rootfs.recipe"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$recipe" ] && [ -d "$cache/rootfs/usr" ]; then
    echo "rootfs: cached $cache/rootfs"
    exit 0
fi
mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
start=$(date +%s)
rm -rf "$cache/rootfs" "$stamp"
mkdir -p "$cache"
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,ca-certificates \
    bookworm "$cache/rootfs.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -n 30 "$cache/debootstrap.log"; exit 1; }
root="$cache/rootfs.tmp"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
chroot "$root" apt-get update -qq
# the runtime guestd's Depends resolves to on Debian 12, with its own dependencies, download only
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --download-only \
    --no-install-recommends default-jre-headless >/dev/null
echo guestd-ci >"$root/etc/hostname"
# No getty/console login fighting the read-only console; nothing we do not need at boot.
chroot "$root" systemctl mask console-getty.service getty@tty1.service systemd-timesyncd.service \
    apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer >/dev/null 2>&1 || true
mv "$root" "$cache/rootfs"
echo "$recipe" >"$stamp"
echo "rootfs: built $cache/rootfs in $(( $(date +%s) - start )) s ($(du -sm "$cache/rootfs" | cut -f1) MB)"
