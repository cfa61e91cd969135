# SPDX-License-Identifier: Apache-2.0
# Sourced by dom0's /init once the domU's guestd wrote its keys: everything printed as
#   XENE2E-KEY <absolute path> = "<value>"     (xenstore-ls -f lines of the domU's tree)
#   XENE2E-PERM <xenstore-ls -fp line>         (control and control/feature-balloon)
#   XENE2E-DOMU-VIEW <line>                    (the domU's own view, from its control port on the vif)
#   XENE2E-ADDR ms=<N>                         (an address added in the domU → in xenstore, dom0's clock)
#   XENE2E-CHECK <name> ok|fail <detail>
# is read by org.guestd.e2e.xen.XenSuite on the host. $DOMID and $DP (/local/domain/$DOMID) are set.
# Add checks here; keep the line formats.
xenstore-ls -f "$DP" 2>&1 | sed 's/^/XENE2E-KEY /' > /dev/console
xenstore-ls -fp "$DP" 2>&1 | grep -E "^$DP/control( |/feature-balloon )" | sed 's/^/XENE2E-PERM /' > /dev/console
check() { if eval "$2" >/dev/null 2>&1; then echo "XENE2E-CHECK $1 ok" > /dev/console;
          else echo "XENE2E-CHECK $1 fail ($2)" > /dev/console; fi; }
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
ctl() { echo "$*" | nc -w 10 192.0.2.10 5000 2>&1; }
check pvaddons-installed '[ "$(xenstore-read $DP/attr/PVAddons/Installed)" = 1 ]'
check os-distro-present 'xenstore-read $DP/data/os_distro'
check vif-backend-connected '[ "$(xenstore-read /local/domain/0/backend/vif/$DOMID/0/hotplug-status)" = connected ]'
check vbd-backend-connected '[ "$(xenstore-read /local/domain/0/backend/vbd/$DOMID/51712/hotplug-status)" = connected ]'
# the domU's own view, through its control port: memory, the volume, which vif and vbd its devices are
ctl 'grep -E "^(MemTotal|MemAvailable):" /proc/meminfo; df -k /mnt/data | tail -n 1; echo "eth0 $(cat /sys/class/net/eth0/device/nodename)"; echo "xvda $(cat /sys/block/xvda/device/nodename)"' \
    | sed 's/^/XENE2E-DOMU-VIEW /' > /dev/console
check domu-control-port 'ctl "echo pong" | grep -qx pong'
# the device the packaged udev rule matches (KERNEL=="xen/xenbus": udev's name of sysfs's xen!xenbus)
ctl 'for d in /sys/class/misc/*xenbus*; do echo "misc $(basename "$d") $(grep DEVNAME= "$d/uevent")"; done' \
    | sed 's/^/XENE2E-DOMU-VIEW /' > /dev/console
check xenbus-misc-device 'ctl "cat /sys/class/misc/xen!xenbus/uevent" | grep -qx DEVNAME=xen/xenbus'
# an address added in the domU is in dom0's xenstore within 2 s (rtnetlink → guestd's interface facts → a batch)
t0=$(ms)
ctl 'ip addr add 192.0.2.11/24 dev eth0' > /dev/console
until xenstore-ls "$DP/attr/vif/0" 2>/dev/null | grep -q '"192.0.2.11"'; do
    [ $(( $(ms) - t0 )) -gt 15000 ] && break
    usleep 20000
done
dt=$(( $(ms) - t0 ))
echo "XENE2E-ADDR ms=$dt" > /dev/console
check address-change-within-2s "[ $dt -le 2000 ]"
xenstore-ls -f "$DP/attr/vif" 2>&1 | sed 's/^/XENE2E-KEY /' > /dev/console
