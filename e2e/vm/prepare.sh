#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds everything the VM suite boots, from a clean machine, into a cache outside the repository:
#   - the Debian kernel (apt-get download linux-image-<abi>-amd64; ELF vmlinux for QEMU's PVH entry)
#   - busybox (apt-get download busybox-static) and Debian's qemu-ga (apt-get download qemu-guest-agent)
#   - a jlink'd runtime from the JDK running the build (modules found by jdeps over the agent's jars)
#   - one initramfs holding both agents (guestd from agent/target, qemu-ga as the reference)
#   - a raw disk with an MBR, an ext4 and an xfs partition
# Every artifact is keyed by its inputs (package versions, JDK release, sha256 of the agent's jars and
# of the guest scripts), so it is rebuilt exactly when one of them changes.
#
# Usage: prepare.sh REPO_ROOT        (agent/target/guestd.jar and agent/target/lib must be built)
# Env:   GUESTD_E2E_CACHE [~/.cache/guestd-e2e]   JAVA_HOME [from `java` on PATH]
# Output: the last line of stdout is  KERNEL=... INITRD=... DISK=... (paths), also written to
#         $GUESTD_E2E_CACHE/current.env
set -euo pipefail
REPO=$(cd "${1:?usage: prepare.sh REPO_ROOT}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${GUESTD_E2E_CACHE:-$HOME/.cache/guestd-e2e}
mkdir -p "$CACHE/debs"
log() { echo "[prepare] $*" >&2; }
die() { echo "[prepare] ERROR: $*" >&2; exit 1; }
for t in apt-get apt-cache dpkg-deb depmod modprobe cpio gzip python3 mkfs.ext4 mkfs.xfs sha256sum ldd; do
    command -v "$t" >/dev/null || die "missing tool '$t' (.ci/run installs: kmod cpio python3 e2fsprogs xfsprogs)"
done
if [ -z "${JAVA_HOME:-}" ]; then JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")"); fi
[ -x "$JAVA_HOME/bin/jlink" ] || die "no jlink in JAVA_HOME=$JAVA_HOME"

JAR=$REPO/agent/target/guestd.jar
[ -f "$JAR" ] && [ -d "$REPO/agent/target/lib" ] || die "$JAR or agent/target/lib missing: build the agent first"

# --- Debian packages: resolve the candidate version, download the .deb once into the cache
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2; exit}'; }
if [ -z "$(candidate busybox-static)" ] || [ "$(candidate busybox-static)" = "(none)" ]; then
    log "apt-get update (no package lists)"; apt-get update -qq
fi
fetch_deb() {   # PKG -> prints the path of its .deb in the cache
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
unpack() {      # DEB DIR: extract once
    [ -d "$2" ] && return 0
    rm -rf "$2.tmp"; dpkg-deb -x "$1" "$2.tmp"; mv "$2.tmp" "$2"
}

KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64"
KVER=${KPKG#linux-image-}
KDEB=$(fetch_deb "$KPKG")
KDIR=$CACHE/kernel-$(basename "$KDEB" .deb)
unpack "$KDEB" "$KDIR"
[ -f "$KDIR/lib/modules/$KVER/modules.dep" ] || depmod -b "$KDIR" "$KVER"
if [ ! -f "$KDIR/vmlinux" ]; then
    # The bzImage carries an xz-compressed ELF; QEMU boots the ELF directly through its PVH note
    # (no real-mode setup, no in-guest decompression: 2-3 s less under TCG).
    python3 - "$KDIR/boot/vmlinuz-$KVER" "$KDIR/vmlinux.tmp" <<'EOF'
import lzma, sys
d = open(sys.argv[1], 'rb').read()
i = d.find(b'\xfd7zXZ\x00')
assert i > 0, "no xz payload in bzImage"
out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[i:])
assert out[:4] == b'\x7fELF', "payload is not an ELF"
open(sys.argv[2], 'wb').write(out)
EOF
    mv "$KDIR/vmlinux.tmp" "$KDIR/vmlinux"
fi

BBDEB=$(fetch_deb busybox-static); BBDIR=$CACHE/$(basename "$BBDEB" .deb); unpack "$BBDEB" "$BBDIR"
QGADEB=$(fetch_deb qemu-guest-agent); QGADIR=$CACHE/$(basename "$QGADEB" .deb); unpack "$QGADEB" "$QGADIR"
[ -x "$BBDIR/bin/busybox" ] || die "no bin/busybox in $BBDEB"
[ -x "$QGADIR/usr/sbin/qemu-ga" ] || die "no usr/sbin/qemu-ga in $QGADEB"

# --- the disk: MBR, partition 1 ext4 (64 MiB), partition 2 xfs (320 MiB; mkfs.xfs wants >= 300 MiB)
DISKKEY=$(printf '%s\n' "v1" "$(mkfs.ext4 -V 2>&1 | head -n1)" "$(mkfs.xfs -V)" | sha256sum | cut -c1-16)
DISK=$CACHE/disk-$DISKKEY.img
if [ ! -f "$DISK" ]; then
    log "building disk $DISK"
    T=$(mktemp -d "$CACHE/disk.XXXXXX")
    truncate -s 64M "$T/ext4.img"; truncate -s 320M "$T/xfs.img"
    mkfs.ext4 -q -F -L e2e-ext4 "$T/ext4.img"
    mkfs.xfs -q -f -L e2e-xfs "$T/xfs.img"
    truncate -s $((1 + 64 + 320))M "$T/disk.img"
    python3 - "$T/disk.img" <<'EOF'
import struct, sys
MiB = 2048                                  # sectors of 512 bytes
parts = [(1 * MiB, 64 * MiB, 0x83), (65 * MiB, 320 * MiB, 0x83)]
mbr = bytearray(512)
struct.pack_into('<I', mbr, 440, 0x65326532)    # disk signature
for n, (start, count, ptype) in enumerate(parts):
    # status, CHS first (unused: 0xfe,0xff,0xff), type, CHS last, LBA start, sector count
    struct.pack_into('<B3sB3sII', mbr, 446 + 16 * n, 0, b'\xfe\xff\xff', ptype, b'\xfe\xff\xff', start, count)
mbr[510:512] = b'\x55\xaa'
with open(sys.argv[1], 'r+b') as f:
    f.write(mbr)
EOF
    dd if="$T/ext4.img" of="$T/disk.img" bs=1M seek=1 conv=notrunc,sparse status=none
    dd if="$T/xfs.img" of="$T/disk.img" bs=1M seek=65 conv=notrunc,sparse status=none
    mv "$T/disk.img" "$DISK"; rm -rf "$T"
fi

# --- the initramfs key: everything that goes into it
JDKREL=$(sha256sum "$JAVA_HOME/release" | cut -c1-16)
AGENTSUM=$( (sha256sum "$JAR"; find "$REPO/agent/target/lib" -name '*.jar' -print0 | sort -z | xargs -0 sha256sum) | sed 's# .*/# #' | sha256sum | cut -c1-16)
SCRIPTSUM=$(cat "$HERE/prepare.sh" "$HERE"/guest/* "$REPO/bin/guestd" "$REPO/bin/guestctl" | sha256sum | cut -c1-16)
IKEY=$(printf '%s\n' "$KDEB" "$BBDEB" "$QGADEB" "$JDKREL" "$AGENTSUM" "$SCRIPTSUM" "appcds=${GUESTD_E2E_APPCDS:-1}" | sha256sum | cut -c1-16)
INITRD=$CACHE/initrd-$IKEY.cpio

if [ ! -f "$INITRD" ]; then
    # The runtime: the modules the agent's jars need, as jdeps sees them, + jdk.unsupported (Netty's
    # Unsafe), minus java.desktop (JNA's optional AWT helpers, 12 MB) and jdk.jfr (Netty's optional events).
    MODS=$("$JAVA_HOME/bin/jdeps" -q --multi-release 17 --ignore-missing-deps --print-module-deps \
        --class-path "$REPO/agent/target/lib/*" "$JAR" 2>/dev/null || true)
    # java.xml explicitly: jdeps prints a reduced set in which java.desktop (requires transitive java.xml)
    # stands for it, so dropping java.desktop would drop the XML parser azure's ovf-env.xml reader uses.
    MODS=$(printf '%s\n' ${MODS//,/ } java.base jdk.unsupported java.xml | grep -vxE 'java.desktop|jdk.jfr' | sort -u | paste -sd, -)
    JREDIR=$CACHE/jre-$(printf '%s\n' "$JDKREL" "$MODS" | sha256sum | cut -c1-16)
    if [ ! -x "$JREDIR/bin/java" ]; then
        log "jlink --add-modules $MODS"
        rm -rf "$JREDIR"
        "$JAVA_HOME/bin/jlink" --add-modules "$MODS" --output "$JREDIR" --strip-debug --no-header-files \
            --no-man-pages --generate-cds-archive >&2
        rm -f "$JREDIR/lib/server/classes_nocoops.jsa"
        ls -dt "$CACHE"/jre-* | tail -n +3 | xargs -r rm -rf     # keep two (the JDK 17 and JDK 25 passes)
    fi

    log "building initramfs $INITRD"
    ROOT=$(mktemp -d "$CACHE/root.XXXXXX")
    trap 'rm -rf "$ROOT"' EXIT
    mkdir -p "$ROOT"/{bin,sbin,etc/e2e,proc,sys,dev,tmp,run,root,lib/x86_64-linux-gnu,lib64,usr/bin,usr/sbin,mnt/ext4,mnt/xfs,var/run,var/log,e2e}
    cp "$BBDIR/bin/busybox" "$ROOT/bin/busybox"
    install -m 0755 "$HERE/guest/init" "$ROOT/init"
    install -m 0755 "$HERE/guest/ctl.sh" "$HERE/guest/agent.sh" "$ROOT/e2e/"
    install -m 0755 "$HERE/guest/shutdown" "$ROOT/sbin/shutdown"
    install -m 0644 "$HERE/guest/os-release" "$ROOT/etc/os-release"
    echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
    echo 'root:x:0:' > "$ROOT/etc/group"
    # A time zone that differs from most hosts' UTC: guest-get-timezone must report the guest's.
    # Laid out as on Debian: /etc/localtime -> the zone file, /etc/timezone names it.
    if [ -f /usr/share/zoneinfo/Europe/Paris ]; then
        mkdir -p "$ROOT/usr/share/zoneinfo/Europe"
        cp /usr/share/zoneinfo/Europe/Paris "$ROOT/usr/share/zoneinfo/Europe/Paris"
        ln -s /usr/share/zoneinfo/Europe/Paris "$ROOT/etc/localtime"
        echo Europe/Paris > "$ROOT/etc/timezone"
    fi

    # Kernel modules, dependency-closed, in load order (no udev in the guest: /init insmods the list).
    # crc32c_generic first: ext4 and xfs (libcrc32c) request crc32c through the crypto API, which
    # modprobe --show-depends does not list.
    MODROOT=lib/modules/$KVER
    mkdir -p "$ROOT/$MODROOT"
    : > "$ROOT/etc/e2e/modules.list"
    for m in virtio_pci virtio_console virtio_balloon virtio_rng virtio_blk crc32c_generic ext4 xfs; do
        modprobe -d "$KDIR" -S "$KVER" --show-depends "$m" | while read -r kind path _; do
            [ "$kind" = insmod ] || continue
            rel=${path#"$KDIR"/}
            mkdir -p "$ROOT/$(dirname "$rel")"
            cp "$path" "$ROOT/$rel"
            grep -qx "/$rel" "$ROOT/etc/e2e/modules.list" || echo "/$rel" >> "$ROOT/etc/e2e/modules.list"
        done
    done

    # Shared libraries (per the host's ldd, the same Debian release as the packages).
    add_libs() {
        local deps
        deps=$(ldd "$@" 2>/dev/null || true)
        # libjvm.so and the JRE's own libraries are found through the JRE's RPATH: not copied.
        if echo "$deps" | grep 'not found' | grep -qv 'libjvm.so'; then
            die "unresolved libraries for $*: $(echo "$deps" | grep 'not found' | sort -u | tr '\n' ' ')"
        fi
        echo "$deps" | awk '/=> \//{print $3} /^[ \t]*\/lib64\//{print $1}' | sort -u | while read -r lib; do
            case "$lib" in "$JREDIR"/*|"$ROOT"/*) continue ;; esac
            base=$(basename "$lib")
            if [ "$base" = ld-linux-x86-64.so.2 ]; then dst=$ROOT/lib64/$base; else dst=$ROOT/lib/x86_64-linux-gnu/$base; fi
            [ -e "$dst" ] || cp -L "$lib" "$dst"
        done
    }
    cp "$QGADIR/usr/sbin/qemu-ga" "$ROOT/usr/sbin/qemu-ga"
    add_libs "$ROOT/usr/sbin/qemu-ga"

    mkdir -p "$ROOT/opt"
    cp -a "$JREDIR" "$ROOT/opt/jre"
    # The project's launcher with the layout it expects (bin/guestd -> agent/target/{guestd.jar,lib/}).
    mkdir -p "$ROOT/opt/guestd/bin" "$ROOT/opt/guestd/agent/target/lib"
    install -m 0755 "$REPO/bin/guestd" "$REPO/bin/guestctl" "$ROOT/opt/guestd/bin/"
    cp "$JAR" "$ROOT/opt/guestd/agent/target/guestd.jar"
    cp "$REPO"/agent/target/lib/*.jar "$ROOT/opt/guestd/agent/target/lib/"
    # Netty's epoll and JNA's dispatch libraries are unpacked from their jars at run time; their
    # dependencies (libdl, librt, libpthread, libc) must be present in the guest.
    NAT=$(mktemp -d "$CACHE/natives.XXXXXX")
    for j in "$ROOT"/opt/guestd/agent/target/lib/*.jar; do
        python3 - "$j" "$NAT" <<'EOF'
import sys, zipfile, os
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith('.so') and ('/linux-x86-64/' in n or (n.startswith('META-INF/native/') and 'x86_64' in n)):
        z.extract(n, sys.argv[2])
EOF
    done
    add_libs "$JREDIR/bin/java" $(find "$JREDIR" -name '*.so') $(find "$NAT" -name '*.so')
    rm -rf "$NAT"
    echo /lib/x86_64-linux-gnu > "$ROOT/etc/ld.so.conf"

    # AppCDS, as bin/demo trains it on a host: the launcher's archive for the guest's runtime and paths,
    # made by running the image's own bin/guestd in a chroot of it (a private mount namespace with its
    # own /proc and /sys), querying it once, then SIGTERM. GUESTD_E2E_APPCDS=0 leaves it out.
    if [ "${GUESTD_E2E_APPCDS:-1}" = 1 ] && command -v unshare >/dev/null && command -v chroot >/dev/null; then
        chroot "$ROOT" /bin/busybox --install -s
        mkdir -p "$ROOT/tmp/cds"
        GUESTD_CDS_DUMP=1 JAVA_HOME=/opt/jre GUESTD_JAVA_OPTS="-Djna.tmpdir=/tmp -Dio.netty.native.workdir=/tmp" \
            timeout 180 unshare -m --propagation private sh -c "mount -t proc proc '$ROOT/proc' && mount -t sysfs sysfs '$ROOT/sys' && exec chroot '$ROOT' /opt/guestd/bin/guestd -m unix-listen -p /tmp/cds/qga.sock -t /tmp/cds -f /tmp/cds/pid" \
            > "$CACHE/appcds-training.log" 2>&1 &
        TRAINER=$!
        for _ in $(seq 600); do [ -S "$ROOT/tmp/cds/qga.sock" ] && [ -s "$ROOT/tmp/cds/pid" ] && break; sleep 0.1; done
        python3 - "$ROOT/tmp/cds/qga.sock" <<'PY' || log "AppCDS training queries failed (see $CACHE/appcds-training.log)"
import json, socket, sys, time
cmds = ["guest-info", "guest-ping", "guest-get-osinfo", "guest-get-host-name", "guest-get-timezone", "guest-get-time",
        "guest-get-vcpus", "guest-get-users", "guest-network-get-interfaces", "guest-get-fsinfo", "guest-no-such-command"]
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(b'\xff{"execute": "guest-sync-delimited", "arguments": {"id": 1}}\n'
          + b"".join(json.dumps({"execute": c}).encode() + b"\n" for c in cmds))
buf, end = b"", time.time() + 60
while buf.count(b"\n") < len(cmds) + 1 and time.time() < end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        continue
    if not d:
        break
    buf += d
PY
        [ -s "$ROOT/tmp/cds/pid" ] && kill -TERM "$(cat "$ROOT/tmp/cds/pid")" 2>/dev/null || true
        wait "$TRAINER" || true
        rm -rf "$ROOT/tmp/cds" "$ROOT"/tmp/*
        ls "$ROOT"/opt/guestd/agent/target/guestd-*.jsa >/dev/null 2>&1 \
            && log "AppCDS archive: $(du -h "$ROOT"/opt/guestd/agent/target/guestd-*.jsa | cut -f1)" \
            || log "no AppCDS archive (see $CACHE/appcds-training.log); guestd starts without it"
    fi
    # Uncompressed: the guest kernel unpacks a gzip'd 90 MB archive in over 3 s under TCG.
    (cd "$ROOT" && find . -print0 | cpio --null -o -H newc --quiet) > "$INITRD.tmp"
    mv "$INITRD.tmp" "$INITRD"
    log "initramfs $(du -h "$INITRD" | cut -f1), modules: $(xargs -n1 basename < "$ROOT/etc/e2e/modules.list" | tr '\n' ' ')"
    # Old images of this cache are superseded: keep the newest three.
    ls -t "$CACHE"/initrd-*.cpio* | tail -n +4 | xargs -r rm -f
fi

echo "KERNEL=$KDIR/vmlinux INITRD=$INITRD DISK=$DISK KVER=$KVER QGA_DEB=$(basename "$QGADEB")" | tee "$CACHE/current.env"
