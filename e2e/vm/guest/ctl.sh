#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The host's control shell, independent of the agent under test, on the virtio-serial port
# org.guestd.e2e.ctl. Request: one line "SEQ COMMAND". Reply: the command's output (stdout+stderr),
# then a line "@@e2e SEQ rc=N@@". Commands run with stdin from /dev/null; background jobs must
# redirect their output. read() returns EOF while no host is connected: wait and retry.
PORT=/dev/virtio-ports/org.guestd.e2e.ctl
exec 3<>"$PORT"
while true; do
    if IFS= read -r line <&3; then
        seq=${line%% *}
        cmd=${line#* }
        sh -c "$cmd" </dev/null >/tmp/ctl.out 2>&1 3>&-
        rc=$?
        cat /tmp/ctl.out >&3
        printf '\n@@e2e %s rc=%d@@\n' "$seq" "$rc" >&3
    else
        usleep 100000
    fi
done
