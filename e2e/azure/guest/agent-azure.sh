#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# guestd on an Azure-looking guest, started as its packaged service starts it: /usr/sbin/guestd's
# equivalent (the project's launcher) with no options but the channel, reading /etc/guestd/guestd.conf.
# First start of the boot: load the CD and NIC modules and bring the two NICs up on the addresses
# QEMU's user networks forward (wire server 168.63.129.16 on the NIC with MAC ...:a2:00:01, IMDS
# 169.254.169.254 on ...:a2:00:02). Nothing else is reachable: both networks are restrict=on.
if [ ! -f /run/e2e/azure-ready ]; then
    while read -r ko; do
        m=$(basename "$ko" .ko | tr - _)
        [ -d "/sys/module/$m" ] && continue   # loaded by /init already (virtio)
        insmod "$ko" 2>/tmp/insmod.err || echo "insmod $ko: $(cat /tmp/insmod.err)" > /dev/console
    done < /etc/e2e/azure-modules.list
    i=0
    while [ $i -lt 100 ]; do
        n=$(ls /sys/class/net | grep -c '^eth')
        [ "$n" -ge 2 ] && [ -b /dev/sr0 ] && break
        usleep 50000; i=$((i+1))
    done
    for dev in /sys/class/net/eth*; do
        ifc=${dev##*/}
        case "$(cat "$dev/address")" in
            52:54:00:a2:00:01) ifconfig "$ifc" 168.63.129.100 netmask 255.255.255.0 up ;;
            52:54:00:a2:00:02) ifconfig "$ifc" 169.254.169.100 netmask 255.255.255.0 up ;;
        esac
    done
    mkdir -p /var/lib/guestd
    echo "[azure-e2e] network: $(ifconfig | grep -E '^eth|inet addr' | tr -s ' ' | tr '\n' ' ') cd: $(ls /dev/sr0 2>&1)" > /dev/console
    touch /run/e2e/azure-ready
fi
cut -d' ' -f1 /proc/uptime > /run/e2e/agent-start
export JAVA_HOME=/opt/jre
export GUESTD_JAVA_OPTS="-Djna.tmpdir=/tmp -Dio.netty.native.workdir=/tmp"
exec /opt/guestd/bin/guestd -m virtio-serial -p /dev/virtio-ports/org.qemu.guest_agent.0 -t /run/guestd > /dev/console 2>&1
