#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs inside the booted Debian 12 container (as the oneshot ci-test.service), driven by
# install-test.sh: install, configure, start, ping, restart, stop, upgrade, purge. Writes its log to
# /ci/inside.log, numbers to /ci/numbers.txt and PASS or FAIL:<step> to /ci/result, then powers off.
set -u
exec >/ci/inside.log 2>&1
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
v1=$(cat /ci/v1) v2=$(cat /ci/v2)
step=boot

fail() {
    echo "FAIL: $step: $*"
    systemctl status guestd --no-pager -l 2>&1 | tail -n 20
    journalctl -u guestd --no-pager -n 40 2>&1
    echo "FAIL:$step: $*" >/ci/result
    systemctl poweroff --no-block
    exit 1
}
check() { # check DESCRIPTION COMMAND...
    what=$1
    shift
    "$@" || fail "$what"
}
prop() { systemctl show -p "$1" --value guestd.service; }
ping() {
    out=$(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "/ci/guestd-host.jar:$(ls /usr/share/guestd/lib/guestd-core-*.jar)" \
        org.guestd.host.cli.QgaCtl -s /run/guestd/qga.sock --timeout 20 --json guest-ping 2>&1)
    [ "$out" = "{}" ] || { echo "guest-ping answered: $out"; return 1; }
}
ready_ms() { # start-to-READY of the current run, from systemd's own timestamps
    echo $(( ($(prop ActiveEnterTimestampMonotonic) - $(prop ExecMainStartTimestampMonotonic)) / 1000 ))
}
: >/ci/numbers.txt
echo "=== inside: $(date -u) systemd $(systemctl --version | head -n 1)"

step=install
t0=$(date +%s)
check "apt-get install $v1 with its Java dependency" \
    apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "/ci/guestd_${v1}_all.deb"
echo "install_s=$(( $(date +%s) - t0 ))" >>/ci/numbers.txt
check "installed" dpkg-query -W -f='${Status}\n' guestd
check "java runtime is 17+" sh -c 'java -version 2>&1 | head -n 1'
check "systemd-analyze verify of the installed unit" systemd-analyze verify --man=no guestd.service
check "not enabled by default (device-activated)" test "$(systemctl is-enabled guestd)" = disabled
check "not started without a channel" test "$(systemctl is-active guestd)" = inactive
check "CDS archive made by postinst" sh -c 'ls /var/cache/guestd/*.jsa'
check "safe defaults read from the conffile" sh -c 'guestd -D | grep -q "^block-rpcs=guest-exec;guest-exec-status;guest-file-open;"'
check "guestctl launcher runs or says clearly why not" sh -c \
    'guestctl --help >/tmp/gc.out 2>&1; rc=$?; cat /tmp/gc.out; [ $rc -eq 0 ] || grep -q "does not include the KVP tool" /tmp/gc.out'

step=configure
# The admin's edit of the conffile: a Unix socket, since a container has no hypervisor channel.
sed -i -e 's|^#method=unix-listen|method=unix-listen|' -e 's|^#path=/run/guestd/qga.sock|path=/run/guestd/qga.sock|' \
    /etc/guestd/guestd.conf
check "conffile edited" grep -q '^method=unix-listen' /etc/guestd/guestd.conf
# A short watchdog so that pings can be seen within seconds (the unit ships 30 s).
mkdir -p /etc/systemd/system/guestd.service.d
printf '[Service]\nWatchdogSec=4s\n' >/etc/systemd/system/guestd.service.d/ci.conf
systemctl daemon-reload

step=start
check "systemctl enable --now" systemctl enable --now guestd.service
check "active (READY received)" test "$(prop ActiveState)/$(prop SubState)" = active/running
status=$(prop StatusText)
echo "StatusText=$status"
check "STATUS line from the agent" test "$status" = "serving QGA on unix-listen /run/guestd/qga.sock"
echo "ready_ms_start=$(ready_ms)" >>/ci/numbers.txt
check "guest-ping through qgactl" ping
check "qgactl info (every guest-info command, network interfaces included) inside the sandbox" \
    java -XX:TieredStopAtLevel=1 -cp "/ci/guestd-host.jar:$(ls /usr/share/guestd/lib/guestd-core-*.jar)" \
    org.guestd.host.cli.QgaCtl -s /run/guestd/qga.sock info
journalctl -u guestd --no-pager -o cat
check "no warnings or errors logged by guestd" test -z "$(journalctl -u guestd --no-pager -o cat -p warning)"
check "watchdog armed" test "$(prop WatchdogUSec)" = 4s
w1=$(prop WatchdogTimestampMonotonic)
sleep 3
w2=$(prop WatchdogTimestampMonotonic)
check "WATCHDOG=1 pings arrive ($w1 -> $w2)" test "$w1" != "$w2"
systemd-analyze security guestd.service --no-pager >/ci/security.txt 2>&1
grep -i "overall exposure" /ci/security.txt | sed 's/^/security: /' >>/ci/numbers.txt
score=$(sed -n 's/.*guestd.service: \([0-9.]*\) .*/\1/p' /ci/security.txt)
check "security score $score <= 3.0 (booted)" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 3.0) }'
echo "rss_kb=$(awk '/VmRSS/ {print $2}' /proc/"$(prop MainPID)"/status)" >>/ci/numbers.txt

step=restart
pid1=$(prop MainPID)
check "systemctl restart" systemctl restart guestd.service
pid2=$(prop MainPID)
check "new process after restart ($pid1 -> $pid2)" test "$pid1" != "$pid2"
check "active after restart" test "$(prop ActiveState)" = active
check "guest-ping after restart" ping
echo "ready_ms_restart=$(ready_ms)" >>/ci/numbers.txt
# the same start without the AppCDS archive, for comparison
printf '[Service]\nWatchdogSec=4s\nEnvironment=GUESTD_JAVA_OPTS=-Xshare:off\n' >/etc/systemd/system/guestd.service.d/ci.conf
systemctl daemon-reload
check "restart without CDS" systemctl restart guestd.service
echo "ready_ms_no_cds=$(ready_ms)" >>/ci/numbers.txt
printf '[Service]\nWatchdogSec=4s\n' >/etc/systemd/system/guestd.service.d/ci.conf
systemctl daemon-reload
check "restart with CDS again" systemctl restart guestd.service

step=stop
check "systemctl stop" systemctl stop guestd.service
r="$(prop Result) $(prop ExecMainStatus) $(prop ActiveState)"
echo "after stop: $r"
check "clean stop: Result=success, exit status 0" test "$r" = "success 0 inactive"
check "stop logged" sh -c 'journalctl -u guestd --no-pager | grep -q "guestd stopped"'

step=upgrade
check "start before upgrade" systemctl start guestd.service
pid1=$(prop MainPID)
check "apt-get install $v2 keeping the edited conffile" apt-get install -y -q -o Dpkg::Use-Pty=0 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "/ci/guestd_${v2}_all.deb"
check "upgraded to $v2" test "$(dpkg-query -W -f='${Version}' guestd)" = "$v2"
check "config edit survived the upgrade" grep -q '^method=unix-listen' /etc/guestd/guestd.conf
check "new shipped conffile kept aside" test -f /etc/guestd/guestd.conf.dpkg-dist
pid2=$(prop MainPID)
check "postinst restarted the running agent ($pid1 -> $pid2)" test "$pid1" != "$pid2"
check "guest-ping after upgrade" ping

step=purge
rm -rf /etc/systemd/system/guestd.service.d   # the test's own drop-in, not the package's
systemctl daemon-reload
check "apt-get purge" apt-get purge -y -q -o Dpkg::Use-Pty=0 guestd
check "package gone (not rc)" sh -c '! dpkg-query -W -f="\${Status}" guestd 2>/dev/null | grep -q installed\|config-files'
left=$(find /etc /var /usr /lib /run -xdev \( -name '*guestd*' -o -path '*guestd*' \) 2>/dev/null | grep -v '^/var/log/journal' || true)
echo "left after purge: ${left:-nothing}"
check "purge leaves nothing named guestd" test -z "$left"
check "enablement symlink removed" test ! -e /etc/systemd/system/multi-user.target.wants/guestd.service

step=done
echo PASS >/ci/result
echo "=== PASS"
systemctl poweroff --no-block
