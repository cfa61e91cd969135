#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run by VssDifferentialIT as: unshare -m --propagation private -- sh vss-loop-ns.sh DIR SHIMS -- AGENT...
# with the reference's VSS device end at fd 3 and guestd's at fd 4. Inside the private mount
# namespace: loop-mounts DIR/img/ref.img on DIR/mnt/ref and DIR/img/guestd.img on DIR/mnt/guestd,
# writes the reference's mount list (DIR/ref-mounts: only its loop mount; read through the
# vss_guard shim, which also refuses FIFREEZE/FITHAW outside DIR/mnt/ref) and guestd's proc root
# (DIR/proc/self/mountinfo: only its loop mount), runs hv_vss_daemon and the agent, and on the way
# out stops them, thaws and unmounts. It only ever touches mounts it made under DIR, a temp dir.
set -u
dir=$1
shims=$2
shift 2
[ "${1:-}" = "--" ] && shift
case "$dir" in
    /tmp/?*|/var/tmp/?*) ;;
    *) echo "vss-loop-ns: refusing $dir (not a temp dir)" >&2; exit 2 ;;
esac
mounts=""
pids=""
cleanup() {
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    for m in $mounts; do
        if fsfreeze -u "$m" 2>/dev/null; then echo "$m was still frozen" >> "$dir/cleanup.log"; fi
        umount "$m" || umount -l "$m"
    done
}
trap 'cleanup; exit 0' TERM INT
for name in ref guestd; do
    mkdir -p "$dir/mnt/$name"
    if ! mount -o loop "$dir/img/$name.img" "$dir/mnt/$name"; then
        echo "vss-loop-ns: cannot mount $name" >&2
        cleanup
        exit 3
    fi
    mounts="$mounts $dir/mnt/$name"
done
grep -F " $dir/mnt/ref " /proc/mounts > "$dir/ref-mounts"
mkdir -p "$dir/proc/self"
grep -F " $dir/mnt/guestd " /proc/self/mountinfo > "$dir/proc/self/mountinfo"
env LD_PRELOAD="$shims" HVDEV_SHIM_FD=3 HVDEV_SHIM_PATH=/dev/vmbus/hv_vss VSS_GUARD_MOUNTS="$dir/ref-mounts" \
    VSS_GUARD_ROOT="$dir/mnt/ref" /usr/sbin/hv_vss_daemon -n 4<&- > "$dir/hv_vss_daemon.log" 2>&1 &
pids="$pids $!"
"$@" 3<&- > "$dir/guestd.log" 2>&1 &
agent=$!
pids="$pids $agent"
echo "$pids" > "$dir/pids.tmp" && mv "$dir/pids.tmp" "$dir/pids"
wait "$agent"
cleanup
exit 0
