#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds everything the nested-Xen suite boots, from a clean machine, into a cache outside the repository:
#   - Xen 4.17 (apt-get download xen-hypervisor-4.17-amd64: the multiboot ELF) and the dom0 tools
#     (xen-utils-4.17: xenstored, xl, xenconsoled, xen-init-dom0; xenstore-utils; their libraries)
#   - the Debian kernel (dom0: the bzImage; domU: the ELF vmlinux, gzip -1, which libxenguest unpacks in ~1 s)
#   - busybox (busybox-static), a jlink'd runtime, the agent (bin/guestd + agent/target/{guestd.jar,lib/})
#     with an AppCDS archive trained in a chroot of the image, the packaged /etc/guestd/guestd.conf
#   - a small ext4 image, the domU's disk (a vbd: blkback in dom0 on a loop device)
#   - the domU initramfs (guestd started as the service would be) and the dom0 initramfs (xencommons-like
#     init, xenstored, xl, a bridge for the domU's vif, the domU's kernel + initramfs + disk + xl config, checks)
# Every artifact is keyed by its inputs, so it is rebuilt exactly when one of them changes.
# Nothing is installed on the host; nothing touches the host's /dev/xen or /proc/xen.
#
# Usage: prepare.sh REPO_ROOT     (agent/target/guestd.jar and agent/target/lib must be built)
# Env:   GUESTD_E2E_XEN_CACHE [~/.cache/guestd-e2e/xen]   GUESTD_E2E_CACHE [~/.cache/guestd-e2e] (its debs/)
#        JAVA_HOME [from javac on PATH]
# Output: the last line of stdout is
#   XEN=... DOM0_KERNEL=... DOM0_INITRD=... KVER=... GUESTD_VERSION=... OS_RELEASE=...
#   (also written to $GUESTD_E2E_XEN_CACHE/current.env)
set -euo pipefail
REPO=$(cd "${1:?usage: prepare.sh REPO_ROOT}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${GUESTD_E2E_XEN_CACHE:-$HOME/.cache/guestd-e2e/xen}
# .deb files are shared with the QEMU VM suite's cache (the 70 MB kernel package is the same)
DEBS=${GUESTD_E2E_CACHE:-$HOME/.cache/guestd-e2e}/debs
mkdir -p "$CACHE" "$DEBS"
log() { echo "[xen-prepare] $*" >&2; }
die() { echo "[xen-prepare] ERROR: $*" >&2; exit 1; }
for t in apt-get apt-cache dpkg-deb depmod modprobe cpio gzip python3 sha256sum ldd mkfs.ext4; do
    command -v "$t" >/dev/null || die "missing tool '$t' (.ci/run installs: kmod cpio python3 e2fsprogs)"
done
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")"); fi
[ -x "$JAVA_HOME/bin/jlink" ] || die "no jlink in JAVA_HOME=$JAVA_HOME"
JAR=$REPO/agent/target/guestd.jar
[ -f "$JAR" ] && [ -d "$REPO/agent/target/lib" ] || die "agent/target/guestd.jar or agent/target/lib missing: build first"
XENJAR=$(ls "$REPO"/agent/target/lib/guestd-xen-*.jar 2>/dev/null | head -n1 || true)
[ -n "$XENJAR" ] || die "agent/target/lib has no guestd-xen jar: the agent does not wire the xen module"
GUESTD_VERSION=$(basename "$XENJAR" .jar); GUESTD_VERSION=${GUESTD_VERSION#guestd-xen-}

# --- Debian packages: the candidate version, downloaded once into the cache
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2; exit}'; }
if [ -z "$(candidate xen-utils-4.17)" ] || [ "$(candidate xen-utils-4.17)" = "(none)" ]; then
    log "apt-get update (no package lists)"; apt-get update -qq
fi
fetch_deb() {   # PKG -> prints the path of its .deb in the cache
    local pkg=$1 ver file
    ver=$(candidate "$pkg"); [ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no candidate for $pkg"
    file=$(ls "$DEBS/${pkg}_${ver/:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$file" ]; then
        log "apt-get download $pkg=$ver"
        (cd "$DEBS" && apt-get download -q "$pkg=$ver" >&2) || die "apt-get download $pkg failed"
        file=$(ls "$DEBS/${pkg}_${ver/:/%3a}_"*.deb | head -n1)
    fi
    echo "$file"
}
unpack() { [ -d "$2" ] && return 0; rm -rf "$2.tmp"; dpkg-deb -x "$1" "$2.tmp"; mv "$2.tmp" "$2"; }

KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64"
KVER=${KPKG#linux-image-}
KDEB=$(fetch_deb "$KPKG")
KDIR=$CACHE/kernel-$(basename "$KDEB" .deb)
unpack "$KDEB" "$KDIR"
[ -f "$KDIR/lib/modules/$KVER/modules.dep" ] || depmod -b "$KDIR" "$KVER"
if [ ! -f "$KDIR/vmlinux.gz" ]; then
    # domU kernel: the ELF inside the bzImage, gzip -1 (libxenguest's xz path costs 4-7 s of xl create under TCG)
    python3 - "$KDIR/boot/vmlinuz-$KVER" "$KDIR/vmlinux.tmp" <<'PY'
import lzma, sys
d = open(sys.argv[1], 'rb').read()
i = d.find(b'\xfd7zXZ\x00')
assert i > 0, "no xz payload in bzImage"
out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[i:])
assert out[:4] == b'\x7fELF', "payload is not an ELF"
open(sys.argv[2], 'wb').write(out)
PY
    gzip -1 -c "$KDIR/vmlinux.tmp" > "$KDIR/vmlinux.gz.tmp"; rm -f "$KDIR/vmlinux.tmp"; mv "$KDIR/vmlinux.gz.tmp" "$KDIR/vmlinux.gz"
fi

BBDEB=$(fetch_deb busybox-static); BBDIR=$CACHE/$(basename "$BBDEB" .deb); unpack "$BBDEB" "$BBDIR"
[ -x "$BBDIR/bin/busybox" ] || die "no bin/busybox in $BBDEB"

XENPKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17 libxencall1
         libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenstore4 libxentoollog1 libxendevicemodel1
         libxenhypfs1 libxentoolcore1 libyajl2"
XENDEBS=""; for p in $XENPKGS; do XENDEBS="$XENDEBS $(fetch_deb "$p")"; done
XENKEY=$(for d in $XENDEBS; do basename "$d"; done | sha256sum | cut -c1-16)
XR=$CACHE/xenroot-$XENKEY
if [ ! -d "$XR" ]; then
    rm -rf "$XR.tmp"; mkdir -p "$XR.tmp"; for d in $XENDEBS; do dpkg-deb -x "$d" "$XR.tmp"; done; mv "$XR.tmp" "$XR"
fi
XEN=$CACHE/xen-$XENKEY
[ -f "$XEN" ] || { zcat "$XR"/boot/xen-4.17-amd64.gz > "$XEN.tmp" && mv "$XEN.tmp" "$XEN"; }

# --- shared helpers for the two images
newroot() {
    local R; R=$(mktemp -d "$CACHE/root.XXXXXX")
    mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib/x86_64-linux-gnu,lib64,usr/bin,usr/sbin,e2e,var/log}
    cp "$BBDIR/bin/busybox" "$R/bin/busybox"
    echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"; echo 'root:x:0:' > "$R/etc/group"
    echo /lib/x86_64-linux-gnu > "$R/etc/ld.so.conf"
    echo "$R"
}
add_libs() {     # ROOT ELF... : copy shared libraries (xenroot first, then the host: the same Debian release)
    local R=$1; shift; local deps
    deps=$(LD_LIBRARY_PATH=$XR/usr/lib/x86_64-linux-gnu:$XR/usr/lib/xen-4.17/lib/x86_64-linux-gnu ldd "$@" 2>/dev/null || true)
    if echo "$deps" | grep 'not found' | grep -qv 'libjvm.so'; then
        die "unresolved libraries for $*: $(echo "$deps" | grep 'not found' | sort -u | tr '\n' ' ')"
    fi
    echo "$deps" | awk '/=> \//{print $3} /^[ \t]*\/lib64\//{print $1}' | sort -u | while read -r lib; do
        case "$lib" in */jre*/lib/*|"$R"/*) continue ;; esac
        local b; b=$(basename "$lib")
        if [ "$b" = ld-linux-x86-64.so.2 ]; then dst=$R/lib64/$b; else dst=$R/lib/x86_64-linux-gnu/$b; fi
        [ -e "$dst" ] || cp -L "$lib" "$dst"
    done
}
add_modules() {  # ROOT LISTFILE MODULE... : dependency-closed .ko files, in load order, listed in LISTFILE
    local R=$1 list=$2; shift 2
    : > "$R/$list"
    for m in "$@"; do
        modprobe -d "$KDIR" -S "$KVER" --show-depends "$m" | while read -r kind path _; do
            [ "$kind" = insmod ] || continue
            rel=${path#"$KDIR"/}
            mkdir -p "$R/$(dirname "$rel")"; cp "$path" "$R/$rel"
            grep -qx "/$rel" "$R/$list" || echo "/$rel" >> "$R/$list"
        done
    done
}
pack() { (cd "$1" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$2.tmp"; mv "$2.tmp" "$2"; rm -rf "$1"; }
appcds() {       # ROOT : the launcher's AppCDS archive for the image's runtime and paths, as the VM suite makes it:
                 # the image's own bin/guestd in a chroot of it (a private mount namespace with its own /proc and
                 # /sys, nothing mounted on the host), stopped with SIGTERM. GUESTD_E2E_APPCDS=0 leaves it out.
    local R=$1
    [ "${GUESTD_E2E_APPCDS:-1}" = 1 ] && command -v unshare >/dev/null && command -v chroot >/dev/null || return 0
    chroot "$R" /bin/busybox --install -s
    mkdir -p "$R/tmp/cds"
    GUESTD_CDS_DUMP=1 JAVA_HOME=/opt/jre GUESTD_JAVA_OPTS="-Djna.tmpdir=/tmp -Dio.netty.native.workdir=/tmp" \
        timeout 180 unshare -m --propagation private sh -c "mount -t proc proc '$R/proc' && mount -t sysfs sysfs '$R/sys' && exec chroot '$R' /opt/guestd/bin/guestd -m unix-listen -p /tmp/cds/qga.sock -t /tmp/cds -f /tmp/cds/pid --xenbus-device off" \
        > "$CACHE/appcds-training.log" 2>&1 &
    local trainer=$! i
    for i in $(seq 600); do [ -S "$R/tmp/cds/qga.sock" ] && [ -s "$R/tmp/cds/pid" ] && break; sleep 0.1; done
    python3 - "$R/tmp/cds/qga.sock" <<'PY' || log "AppCDS training query failed (see $CACHE/appcds-training.log)"
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(b'\xff{"execute": "guest-sync-delimited", "arguments": {"id": 1}}\n{"execute": "guest-info"}\n')
buf, end = b"", time.time() + 60
while buf.count(b"\n") < 2 and time.time() < end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        continue
    if not d:
        break
    buf += d
PY
    [ -s "$R/tmp/cds/pid" ] && kill -TERM "$(cat "$R/tmp/cds/pid")" 2>/dev/null || true
    wait "$trainer" || true
    rm -rf "$R/tmp/cds" "$R"/tmp/*
    # busybox --install made links in the image's bin dirs: the init script makes them again
    ls "$R"/opt/guestd/agent/target/guestd-*.jsa >/dev/null 2>&1 \
        && log "AppCDS archive: $(du -h "$R"/opt/guestd/agent/target/guestd-*.jsa | cut -f1)" \
        || log "no AppCDS archive (see $CACHE/appcds-training.log); guestd starts without it"
}

# --- the domU's disk: a small ext4 image (a vbd in the domU, on a loop device in dom0)
MKFSVER=$(mkfs.ext4 -V 2>&1 | sed -n 1p | tr -c 'A-Za-z0-9.\n' '_')
DISK=$CACHE/disk-$(printf '%s\n' "$MKFSVER" 32M | sha256sum | cut -c1-16).img
if [ ! -f "$DISK" ]; then
    rm -f "$DISK.tmp"; truncate -s 32M "$DISK.tmp"
    mkfs.ext4 -q -F -L xen-e2e -E root_owner=0:0 "$DISK.tmp" >&2
    mv "$DISK.tmp" "$DISK"
    ls -t "$CACHE"/disk-*.img | tail -n +2 | xargs -r rm -f
fi

# --- the domU image: busybox, netfront, blkfront + ext4, the runtime and the agent as bin/guestd runs it
JDKREL=$(sha256sum "$JAVA_HOME/release" | cut -c1-16)
JARSUM=$( (sha256sum "$JAR"; find "$REPO/agent/target/lib" -name '*.jar' -print0 | sort -z | xargs -0 sha256sum) | sed 's# .*/# #' | sha256sum | cut -c1-16)
DOMUSUM=$(cat "$HERE/prepare.sh" "$HERE"/guest/domu-* "$HERE"/guest/ctl.sh "$HERE"/guest/os-release "$HERE"/guest/poweroff \
    "$REPO/bin/guestd" "$REPO/packaging/src/conf/guestd.conf" | sha256sum | cut -c1-16)
DKEY=$(printf '%s\n' "$KDEB" "$BBDEB" "$JDKREL" "$JARSUM" "$DOMUSUM" "appcds=${GUESTD_E2E_APPCDS:-1}" | sha256sum | cut -c1-16)
DOMU=$CACHE/initrd-domu-$DKEY.cpio.gz
if [ ! -f "$DOMU" ]; then
    LIBS=$(ls "$REPO"/agent/target/lib/*.jar)
    MODS=$("$JAVA_HOME/bin/jdeps" -q --multi-release 17 --ignore-missing-deps --print-module-deps \
        --class-path "$(echo $LIBS | tr ' ' ':')" "$JAR" 2>/dev/null || true)
    MODS=$(printf '%s\n' ${MODS//,/ } java.base jdk.unsupported java.xml | grep -vxE 'java.desktop|jdk.jfr' | sort -u | paste -sd, -)
    JREDIR=$CACHE/jre-$(printf '%s\n' "$JDKREL" "$MODS" | sha256sum | cut -c1-16)
    if [ ! -x "$JREDIR/bin/java" ]; then
        log "jlink --add-modules $MODS"
        rm -rf "$JREDIR"
        "$JAVA_HOME/bin/jlink" --add-modules "$MODS" --output "$JREDIR" --strip-debug --no-header-files \
            --no-man-pages --generate-cds-archive >&2
        rm -f "$JREDIR/lib/server/classes_nocoops.jsa"
        ls -dt "$CACHE"/jre-* | tail -n +3 | xargs -r rm -rf
    fi
    log "building the domU initramfs $DOMU"
    R=$(newroot)
    install -m 0755 "$HERE/guest/domu-init" "$R/init"
    install -m 0755 "$HERE/guest/domu-guestd.sh" "$R/e2e/guestd.sh"
    install -m 0755 "$HERE/guest/ctl.sh" "$R/e2e/ctl.sh"
    install -m 0755 "$HERE/guest/poweroff" "$R/sbin/poweroff"
    install -m 0644 "$HERE/guest/os-release" "$R/etc/os-release"
    mkdir -p "$R/etc/guestd"
    install -m 0644 "$REPO/packaging/src/conf/guestd.conf" "$R/etc/guestd/guestd.conf"
    add_modules "$R" e2e/modules.list xen-netfront xen-blkfront ext4
    mkdir -p "$R/opt"
    cp -a "$JREDIR" "$R/opt/jre"
    # The project's launcher with the layout it expects (bin/guestd -> agent/target/{guestd.jar,lib/})
    mkdir -p "$R/opt/guestd/bin" "$R/opt/guestd/agent/target/lib"
    install -m 0755 "$REPO/bin/guestd" "$R/opt/guestd/bin/guestd"
    cp "$JAR" "$R/opt/guestd/agent/target/guestd.jar"
    cp $LIBS "$R/opt/guestd/agent/target/lib/"
    NAT=$(mktemp -d "$CACHE/natives.XXXXXX")
    for j in "$R"/opt/guestd/agent/target/lib/*.jar; do
        python3 - "$j" "$NAT" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith('.so') and ('/linux-x86-64/' in n or (n.startswith('META-INF/native/') and 'x86_64' in n)):
        z.extract(n, sys.argv[2])
PY
    done
    add_libs "$R" "$JREDIR/bin/java" $(find "$JREDIR" -name '*.so') $(find "$NAT" -name '*.so')
    rm -rf "$NAT"
    appcds "$R"
    install -m 0755 "$HERE/guest/poweroff" "$R/sbin/poweroff"   # again: the training's busybox --install must not win
    pack "$R" "$DOMU"
    log "domU initramfs: $(du -h "$DOMU" | cut -f1)"
    ls -t "$CACHE"/initrd-domu-*.cpio.gz | tail -n +3 | xargs -r rm -f
fi

# --- the dom0 image: Xen's tools, xenstored, a bridge, the domU's kernel + image + config, the checks
DOM0SUM=$(cat "$HERE/prepare.sh" "$HERE"/guest/dom0-* "$HERE"/guest/vif-e2e "$HERE"/guest/block-e2e "$HERE"/guest/domu.cfg "$HERE"/guest/checks.sh | sha256sum | cut -c1-16)
OKEY=$(printf '%s\n' "$DKEY" "$XENKEY" "$DOM0SUM" "$(basename "$DISK")" | sha256sum | cut -c1-16)
DOM0=$CACHE/initrd-dom0-$OKEY.cpio.gz
if [ ! -f "$DOM0" ]; then
    log "building the dom0 initramfs $DOM0"
    R=$(newroot)
    install -m 0755 "$HERE/guest/dom0-init" "$R/init"
    install -m 0644 "$HERE/guest/checks.sh" "$R/e2e/checks.sh"
    mkdir -p "$R/usr/lib/xen-4.17/bin" "$R/etc/xen/scripts" "$R/domu"
    BINS="xl xenstored xenconsoled xen-init-dom0"
    for b in $BINS; do cp "$XR/usr/lib/xen-4.17/bin/$b" "$R/usr/lib/xen-4.17/bin/"; done
    cp -a "$XR"/usr/bin/xenstore* "$R/usr/bin/"
    cp "$XR/etc/xen/xl.conf" "$R/etc/xen/"
    install -m 0755 "$HERE/guest/vif-e2e" "$R/etc/xen/scripts/vif-e2e"
    install -m 0755 "$HERE/guest/block-e2e" "$R/etc/xen/scripts/block-e2e"
    install -m 0644 "$HERE/guest/domu.cfg" "$R/etc/xen/domu.cfg"
    add_libs "$R" $(for b in $BINS; do echo "$R/usr/lib/xen-4.17/bin/$b"; done) "$XR/usr/bin/xenstore"
    # glibc dlopen()s libgcc_s for pthread_cancel; xl aborts without it
    cp -L "$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/{print $NF; exit}')" "$R/lib/x86_64-linux-gnu/"
    add_modules "$R" e2e/modules.list xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-netback xen-blkback loop bridge
    cp "$KDIR/vmlinux.gz" "$R/domu/vmlinuz"
    cp "$DOMU" "$R/domu/initrd.cpio.gz"
    cp --sparse=always "$DISK" "$R/domu/disk.img"
    pack "$R" "$DOM0"
    log "dom0 initramfs: $(du -h "$DOM0" | cut -f1)"
    ls -t "$CACHE"/initrd-dom0-*.cpio.gz | tail -n +3 | xargs -r rm -f
fi

echo "XEN=$XEN DOM0_KERNEL=$KDIR/boot/vmlinuz-$KVER DOM0_INITRD=$DOM0 KVER=$KVER GUESTD_VERSION=$GUESTD_VERSION OS_RELEASE=$HERE/guest/os-release" \
    | tee "$CACHE/current.env"
