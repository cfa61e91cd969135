#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the agent under test in the foreground (exec: its pid is this script's pid), logging to the console.
PORT=/dev/virtio-ports/org.qemu.guest_agent.0
case "$1" in
    guestd)
        # The project's own launcher (bin/guestd) with its footprint flags, on the jlink'd runtime.
        export JAVA_HOME=/opt/jre
        export GUESTD_JAVA_OPTS="-Djna.tmpdir=/tmp -Dio.netty.native.workdir=/tmp"
        exec /opt/guestd/bin/guestd -m virtio-serial -p "$PORT" -t /run/guestd > /dev/console 2>&1 ;;
    qemu-ga)
        exec /usr/sbin/qemu-ga -m virtio-serial -p "$PORT" -l /dev/console > /dev/console 2>&1 ;;
    *) echo "unknown agent $1" > /dev/console; exit 2 ;;
esac
