#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run by the freeze black-box tests as: unshare -m --propagation private -- sh freeze-loop-ns.sh DIR -- AGENT...
# Inside the new private mount namespace: loop-mounts DIR/img/NAME.img on DIR/mnt/NAME, writes a proc
# root (DIR/proc/self/mountinfo) that lists only those mounts, runs the agent (again while DIR/restart
# exists, for the restart-while-frozen test), and on the way out thaws and unmounts them. It only
# ever touches mounts it made under DIR, and DIR must be a temp dir.
set -u
dir=$1
shift
[ "${1:-}" = "--" ] && shift
case "$dir" in
    /tmp/?*|/var/tmp/?*) ;;
    *) echo "freeze-loop-ns: refusing $dir (not a temp dir)" >&2; exit 2 ;;
esac
mounts=""
cleanup() {
    for m in $mounts; do
        if fsfreeze -u "$m" 2>/dev/null; then echo "$m was still frozen" >> "$dir/cleanup.log"; fi
        umount "$m" || umount -l "$m"
    done
}
for img in "$dir"/img/*.img; do
    name=$(basename "$img" .img)
    mkdir -p "$dir/mnt/$name"
    if ! mount -o loop "$img" "$dir/mnt/$name"; then
        echo "freeze-loop-ns: cannot mount $img" >&2
        cleanup
        exit 3
    fi
    mounts="$mounts $dir/mnt/$name"
done
mkdir -p "$dir/proc/self"
grep -F " $dir/mnt/" /proc/self/mountinfo > "$dir/proc/self/mountinfo.tmp"
mv "$dir/proc/self/mountinfo.tmp" "$dir/proc/self/mountinfo"
rc=0
while :; do
    "$@" &
    pid=$!
    echo "$pid" > "$dir/agent.pid.tmp" && mv "$dir/agent.pid.tmp" "$dir/agent.pid"
    trap 'kill -TERM $pid 2>/dev/null' TERM INT
    while :; do
        wait "$pid"
        rc=$?
        kill -0 "$pid" 2>/dev/null || break
    done
    [ -e "$dir/restart" ] || break
    rm -f "$dir/restart"
done
cleanup
exit "$rc"
