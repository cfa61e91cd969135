#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The .deb install test: boots a Debian 12 rootfs with systemd-nspawn --boot (systemd as PID 1 in
# the container, which this CI machine does not have) and runs inside.sh there as a oneshot unit:
# apt install with the Java dependency, configure a Unix socket, enable --now (READY), guest-ping
# through qgactl, watchdog pings, restart, clean stop, upgrade to a newer build with the conffile edit
# kept, the Azure oneshot (skipped off Azure; provisioning under its sandbox with the conditions
# lifted, against the Azure emulator on the container's loopback), purge. The rootfs is made once by rootfs.sh and cached outside the repository; each run
# boots a throw-away overlay of it.
# Usage: install-test.sh DEB HOST_JAR [CACHE_DIR]      (CACHE_DIR default /var/cache/guestd-ci)
set -eu
deb=$(readlink -f "$1")
host_jar=$(readlink -f "$2")
cache=${3:-/var/cache/guestd-ci}
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
start=$(date +%s)

sh "$here/rootfs.sh" "$cache"

work=$(mktemp -d /var/tmp/guestd-nspawn.XXXXXX)
root="$work/root"
mkdir -p "$root" "$work/upper" "$work/work"
cleanup() {
    if [ -n "${nspawn_pid:-}" ] && kill -0 "$nspawn_pid" 2>/dev/null; then kill "$nspawn_pid" 2>/dev/null || true; fi
    mountpoint -q "$root" && umount "$root"
    rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM
if ! mount -t overlay overlay -o "lowerdir=$cache/rootfs,upperdir=$work/upper,workdir=$work/work" "$root" 2>/dev/null; then
    echo "install-test: no overlayfs, copying the rootfs"
    cp -a "$cache/rootfs/." "$root/"
fi

# The two builds: the one under test, and a "newer build" made from it with a higher version and a
# changed conffile, so the upgrade meets dpkg's modified-conffile case.
v1=$(dpkg-deb -f "$deb" Version)
v2="$v1+ci1"
mkdir -p "$root/ci"
cp "$deb" "$root/ci/guestd_${v1}_all.deb"
dpkg-deb -R "$deb" "$work/v2"
sed -i "s/^Version: .*/Version: $v2/" "$work/v2/DEBIAN/control"
echo "# (newer build)" >>"$work/v2/etc/guestd/guestd.conf"
(cd "$work/v2" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum >DEBIAN/md5sums)
dpkg-deb --root-owner-group -Zgzip -b "$work/v2" "$root/ci/guestd_${v2}_all.deb" >/dev/null
echo "$v1" >"$root/ci/v1"
echo "$v2" >"$root/ci/v2"
cp "$host_jar" "$root/ci/guestd-host.jar"
cp "$here/inside.sh" "$root/ci/inside.sh"
cat >"$root/etc/systemd/system/ci-test.service" <<'UNIT'
[Unit]
Description=guestd package install test
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/bin/sh /ci/inside.sh
StandardOutput=journal+console
[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/ci-test.service "$root/etc/systemd/system/multi-user.target.wants/ci-test.service"

echo "install-test: booting $root (guestd $v1, upgrade to $v2)"
boot=$(date +%s)
# --private-network: the container has its own loopback and nothing else (the Azure step's emulator
# listens on its 127.0.0.1; no packet of the test can leave).
timeout 600 systemd-nspawn -q -D "$root" --register=no --keep-unit --boot --console=read-only --private-network \
    >"$work/console.log" 2>&1 &
nspawn_pid=$!
wait "$nspawn_pid" || true
nspawn_pid=
cat "$root/ci/inside.log" 2>/dev/null || { echo "install-test: no log from inside; console:"; cat "$work/console.log"; }
result=$(cat "$root/ci/result" 2>/dev/null || echo "FAIL:no result (console above)")
echo "--- numbers"
cat "$root/ci/numbers.txt" 2>/dev/null || true
for f in security.txt security-provision.txt; do
    if [ -f "$root/ci/$f" ]; then
        mkdir -p "$(dirname "$deb")/install-test"
        cp "$root/ci/$f" "$(dirname "$deb")/install-test/$f"
    fi
done
echo "install-test: boot-to-poweroff $(( $(date +%s) - boot )) s, total $(( $(date +%s) - start )) s: $result"
[ "$result" = PASS ]
