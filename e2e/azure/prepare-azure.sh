#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The Azure VM case's initramfs: the VM suite's image (e2e/vm/prepare.sh, unchanged and shared) with
# an overlay appended as a second cpio archive (the kernel unpacks both; later files replace earlier
# ones). The overlay adds what provisioning needs and the busybox guest lacks:
#   - the shadow tools (useradd, usermod, userdel, chpasswd, passwd; apt-get download passwd),
#     visudo (sudo) and eject (eject; busybox-static has none), with their libraries per the host's
#     ldd, /etc/login.defs (login)
#   - /etc/group with a sudo group, /etc/shadow, /etc/ssh/sshd_config including sshd_config.d
#   - kernel modules for the CD (ata_piix, sr_mod, isofs, udf) and the NICs (virtio_net)
#   - /etc/guestd/guestd.conf (guestd as its packaged service: [azure] left at its defaults)
#   - /e2e/agent.sh: a wrapper that runs e2e/azure/guest/agent-azure.sh for e2e.agent=guestd-azure
#     and the base image's agent.sh (copied in as /e2e/agent-base.sh) otherwise
# Keyed by the base initramfs and the overlay's own inputs, so the base image (and its cache) is
# never rebuilt for this case, and this overlay only when its inputs change.
#
# Usage: prepare-azure.sh REPO_ROOT   (after e2e/vm/prepare.sh; reads $GUESTD_E2E_CACHE/current.env)
# Output: last line  INITRD=... (the combined initramfs)
set -euo pipefail
REPO=$(cd "${1:?usage: prepare-azure.sh REPO_ROOT}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${GUESTD_E2E_CACHE:-$HOME/.cache/guestd-e2e}
log() { echo "[prepare-azure] $*" >&2; }
die() { echo "[prepare-azure] ERROR: $*" >&2; exit 1; }
[ -f "$CACHE/current.env" ] || die "run e2e/vm/prepare.sh first"
# shellcheck disable=SC1090
eval "$(tr ' ' '\n' < "$CACHE/current.env" | grep -E '^(KERNEL|INITRD|KVER)=')"
KDIR=$(dirname "$KERNEL")
[ -f "$INITRD" ] || die "base initramfs $INITRD missing"
mkdir -p "$CACHE/debs"

candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2; exit}'; }
fetch_deb() {
    local pkg=$1 ver file
    ver=$(candidate "$pkg"); [ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no candidate for $pkg"
    file=$(ls "$CACHE/debs/${pkg}_${ver/:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$file" ]; then
        log "apt-get download $pkg=$ver"
        (cd "$CACHE/debs" && apt-get download -q "$pkg=$ver" >&2) || die "apt-get download $pkg failed"
        file=$(ls "$CACHE/debs/${pkg}_${ver/:/%3a}_"*.deb | head -n1)
    fi
    echo "$file"
}
PASSWD=$(fetch_deb passwd); SUDO=$(fetch_deb sudo); LOGIN=$(fetch_deb login); EJECT=$(fetch_deb eject)

KEY=$(printf '%s\n' "$(basename "$INITRD")" "$(basename "$PASSWD")" "$(basename "$SUDO")" "$(basename "$LOGIN")" "$(basename "$EJECT")" \
    "$(cat "$HERE/prepare-azure.sh" "$HERE"/guest/* "$REPO/e2e/vm/guest/agent.sh" | sha256sum)" | sha256sum | cut -c1-16)
OUT=$CACHE/azure-initrd-$KEY.cpio
if [ ! -f "$OUT" ]; then
    log "building $OUT"
    T=$(mktemp -d "$CACHE/azure.XXXXXX")
    trap 'rm -rf "$T"' EXIT
    R=$T/root
    mkdir -p "$R"/{usr/sbin,usr/bin,usr/libexec/sudo,lib/x86_64-linux-gnu,etc/default,etc/ssh/sshd_config.d,etc/sudoers.d,etc/skel,etc/guestd,etc/e2e,home,var/lib/hyperv,e2e/azure}
    for d in "$PASSWD" "$SUDO" "$LOGIN" "$EJECT"; do dpkg-deb -x "$d" "$T/$(basename "$d" .deb)"; done
    P=$T/$(basename "$PASSWD" .deb); S=$T/$(basename "$SUDO" .deb); L=$T/$(basename "$LOGIN" .deb)
    install -m 0755 "$T/$(basename "$EJECT" .deb)/usr/bin/eject" "$R/usr/bin/eject"
    for b in useradd usermod userdel chpasswd groupadd; do install -m 0755 "$P/usr/sbin/$b" "$R/usr/sbin/$b"; done
    install -m 4755 "$P/usr/bin/passwd" "$R/usr/bin/passwd"
    install -m 0644 "$P/etc/default/useradd" "$R/etc/default/useradd"
    install -m 0644 "$L/etc/login.defs" "$R/etc/login.defs"
    install -m 0755 "$S/usr/sbin/visudo" "$R/usr/sbin/visudo"
    cp -a "$S"/usr/libexec/sudo/libsudo_util.so* "$R/usr/libexec/sudo/"
    # libraries, as the host's ldd resolves them (same Debian release as the packages)
    deps=$(LD_LIBRARY_PATH="$S/usr/libexec/sudo" ldd "$R"/usr/sbin/* "$R/usr/bin/passwd" "$R/usr/bin/eject" 2>/dev/null || true)
    if echo "$deps" | grep -q 'not found'; then die "unresolved libraries: $(echo "$deps" | grep 'not found' | sort -u | tr '\n' ' ')"; fi
    echo "$deps" | awk '/=> \//{print $3}' | sort -u | while read -r lib; do
        case "$lib" in "$T"/*) continue ;; esac
        [ -e "$R/lib/x86_64-linux-gnu/$(basename "$lib")" ] || cp -L "$lib" "$R/lib/x86_64-linux-gnu/"
    done
    # kernel modules for the CD and the NICs, dependency-closed, in load order
    : > "$R/etc/e2e/azure-modules.list"
    for m in virtio_net ata_piix sr_mod isofs udf; do
        modprobe -d "$KDIR" -S "$KVER" --show-depends "$m" | while read -r kind path _; do
            [ "$kind" = insmod ] || continue
            rel=${path#"$KDIR"/}
            mkdir -p "$R/$(dirname "$rel")"
            cp "$path" "$R/$rel"
            grep -qx "/$rel" "$R/etc/e2e/azure-modules.list" || echo "/$rel" >> "$R/etc/e2e/azure-modules.list"
        done
    done
    # accounts and sshd as on a Debian image (the base image has root only, and no sshd)
    printf '%s\n' 'root:x:0:' 'adm:x:4:' 'sudo:x:27:' 'users:x:100:' 'nogroup:x:65534:' > "$R/etc/group"
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' > "$R/etc/passwd"
    printf '%s\n' 'root:*:19000:0:99999:7:::' 'nobody:*:19000:0:99999:7:::' > "$R/etc/shadow"
    chmod 0640 "$R/etc/shadow"
    printf '%s\n' 'root:*::' 'sudo:*::' > "$R/etc/gshadow"
    printf 'Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n' > "$R/etc/ssh/sshd_config"
    printf 'Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n' > "$R/etc/sudoers"
    chmod 0440 "$R/etc/sudoers"; chmod 0750 "$R/etc/sudoers.d"
    install -m 0644 "$HERE/guest/guestd.conf" "$R/etc/guestd/guestd.conf"
    install -m 0755 "$HERE/guest/agent-azure.sh" "$R/e2e/azure/agent-azure.sh"
    install -m 0755 "$HERE/guest/agent.sh" "$R/e2e/agent.sh"
    install -m 0755 "$REPO/e2e/vm/guest/agent.sh" "$R/e2e/agent-base.sh"
    (cd "$R" && find . -print0 | cpio --null -o -H newc --quiet) > "$T/overlay.cpio"
    cat "$INITRD" "$T/overlay.cpio" > "$OUT.tmp"
    mv "$OUT.tmp" "$OUT"
    log "overlay $(du -h "$T/overlay.cpio" | cut -f1); modules: $(xargs -n1 basename < "$R/etc/e2e/azure-modules.list" | tr '\n' ' ')"
    ls -t "$CACHE"/azure-initrd-*.cpio | tail -n +3 | xargs -r rm -f
fi
echo "INITRD=$OUT"
