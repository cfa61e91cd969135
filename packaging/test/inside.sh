#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs inside the booted Debian 12 container (as the oneshot ci-test.service), driven by
# install-test.sh: install, configure, start, ping, restart, stop, the Hyper-V daemons' unit names
# (aliases pulling guestd in, or conflicts), upgrade, purge. Writes its log to
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
# "indirect": not enabled, but aliased (the Hyper-V daemons' names, made by the package's generator)
check "not enabled by default (device-activated)" sh -c \
    'case "$(systemctl is-enabled guestd)" in disabled|indirect) ! ls /etc/systemd/system/*.wants/guestd.service 2>/dev/null ;; *) false ;; esac'
check "not started without a channel" test "$(systemctl is-active guestd)" = inactive
check "CDS archive made by postinst" sh -c 'ls /var/cache/guestd/*.jsa'
check "safe defaults read from the conffile" sh -c 'guestd -D | grep -q "^block-rpcs=guest-exec;guest-exec-status;guest-file-open;"'
check "guestctl launcher runs or says clearly why not" sh -c \
    'guestctl --help >/tmp/gc.out 2>&1; rc=$?; cat /tmp/gc.out; [ $rc -eq 0 ] || grep -q "does not include guestctl" /tmp/gc.out'

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
check "status file 0644 in a 0755 state dir" test "$(stat -c %a /run/guestd):$(stat -c %a /run/guestd/status.json)" = 755:644
check "guestctl status without root shows the channel" sh -c \
    'runuser -u nobody -- guestctl status >/tmp/st.out 2>&1; rc=$?; cat /tmp/st.out; [ $rc -eq 0 ] && grep -q "qga *open  unix-listen:/run/guestd/qga.sock" /tmp/st.out'
guestctl doctor || true
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

step=aliases
# Units written for hyperv-daemons (azure-init: After=/Wants=hypervkvpd.service hv-kvp-daemon.service)
# pull guestd in and start after its READY=1: the generator makes their names aliases of guestd.
check "generator installed" test -x /lib/systemd/system-generators/guestd-hyperv-aliases
echo "guestd Names=$(prop Names)"
for n in hv-kvp-daemon hv-vss-daemon hv-fcopy-daemon hypervkvpd hypervvssd hypervfcopyd; do
    check "$n.service is an alias of guestd.service" test "$(systemctl show -p Id --value $n.service)" = guestd.service
done
check "no conflict drop-in without a Hyper-V daemon" test ! -e /run/systemd/generator/guestd.service.d/50-hyperv-daemons.conf
cat >/etc/systemd/system/ci-kvp-consumer.service <<'UNIT'
[Unit]
Description=a unit ordered after the Hyper-V KVP daemon, as azure-init.service is
Wants=hypervkvpd.service hv-kvp-daemon.service
After=hypervkvpd.service hv-kvp-daemon.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'systemctl show -p ActiveState --value guestd.service >/run/ci-consumer.saw'
UNIT
systemctl daemon-reload
check "guestd stopped before the consumer starts" test "$(prop ActiveState)" = inactive
check "start the consumer" systemctl start ci-kvp-consumer.service
check "the consumer pulled guestd in" test "$(prop ActiveState)" = active
check "the consumer ran once guestd was READY (it saw: $(cat /run/ci-consumer.saw))" test "$(cat /run/ci-consumer.saw)" = active
ready=$(prop ActiveEnterTimestampMonotonic)
consumer=$(systemctl show -p ExecMainStartTimestampMonotonic --value ci-kvp-consumer.service)
check "guestd READY ($ready) before the consumer's start ($consumer)" test "$ready" -le "$consumer"
check "guest-ping with guestd started through the alias" ping
check "no warning about guestd's dependencies" sh -c '! journalctl -b --no-pager -o cat | grep "guestd.service: Dependency"'
check "stop consumer and guestd" systemctl stop ci-kvp-consumer.service guestd.service
# A Hyper-V daemon installed outside the package manager: its name is its own, guestd conflicts with it.
cat >/etc/systemd/system/hv-kvp-daemon.service <<'UNIT'
[Unit]
Description=stand-in for a locally installed hv_kvp_daemon
[Service]
ExecStart=/bin/sleep infinity
UNIT
systemctl daemon-reload
check "a real hv-kvp-daemon.service is not an alias" \
    test "$(systemctl show -p Id --value hv-kvp-daemon.service)" = hv-kvp-daemon.service
check "hypervkvpd.service is still one" test "$(systemctl show -p Id --value hypervkvpd.service)" = guestd.service
echo "guestd Conflicts=$(prop Conflicts)"
check "guestd conflicts with the real one (generator drop-in)" sh -c 'systemctl show -p Conflicts --value guestd.service | grep -qw hv-kvp-daemon.service'
check "start the other daemon" systemctl start hv-kvp-daemon.service
check "start guestd" systemctl start guestd.service
check "starting guestd stopped the other daemon" test "$(systemctl is-active hv-kvp-daemon.service)" = inactive
check "stop guestd" systemctl stop guestd.service
rm /etc/systemd/system/hv-kvp-daemon.service /etc/systemd/system/ci-kvp-consumer.service
systemctl daemon-reload
check "the alias is back" test "$(systemctl show -p Id --value hv-kvp-daemon.service)" = guestd.service
check "still no warning from systemd about guestd" test -z "$(journalctl -u guestd --no-pager -o cat -p warning)"

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

step=azure
# guestd-provision.service, the Azure oneshot. Here (a container, no Azure DMI tag, not Hyper-V) its
# conditions keep it from running. Then, with the conditions lifted by a test drop-in (nspawn cannot
# show an Azure chassis asset tag: this machine has no /sys/class/dmi), it provisions from an
# ovf-env.xml file under its own sandbox, against host's Azure emulator on 127.0.0.1 inside this
# container (nothing is sent to 168.63.129.16 or 169.254.169.254; the user, host name and /etc
# changed are the container's).
pprop() { systemctl show -p "$1" --value guestd-provision.service; }
check "guestd-provision.service enabled by the package" test "$(systemctl is-enabled guestd-provision.service)" = enabled
check "systemd-analyze verify guestd-provision.service" systemd-analyze verify --man=no guestd-provision.service
check "start off Azure returns" systemctl start guestd-provision.service
check "skipped off Azure: its conditions fail (ConditionResult=$(pprop ConditionResult))" test "$(pprop ConditionResult)" = no
check "nothing ran off Azure" test -z "$(pprop ExecMainStartTimestampMonotonic | grep -v '^0$')"
check "no provisioning state off Azure" test ! -e /var/lib/guestd/provisioning

key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMmKbz9Ku1WAw5ohWmo6xyVtdxd9DdSm0mXt2M1nsTNB ci@install-test"
vm=7d3c1d4e-2b1f-4c55-9d0e-8a6b1c2d3e4f
java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "/ci/guestd-host.jar:$(ls /usr/share/guestd/lib/guestd-core-*.jar)" \
    org.guestd.host.azure.AzureEmulatorMain /ci/azure "$vm" ci-azure-vm azureuser "$key" >/ci/azure-emulator.log 2>&1 &
emulator=$!
i=0
while [ ! -f /ci/azure/endpoints ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
check "Azure emulator listening" test -f /ci/azure/endpoints
imds=$(sed -n 's/^imds=//p' /ci/azure/endpoints)
wire=$(sed -n 's/^wire-server=//p' /ci/azure/endpoints)
echo "emulator: imds $imds, wire server $wire"
check "emulator on loopback only" sh -c "echo '$imds $wire' | grep -Eq '^http://127\.0\.0\.1:[0-9]+ http://127\.0\.0\.1:[0-9]+$'"
cat >/ci/ovf-env.xml <<OVF
<?xml version="1.0" encoding="utf-8"?>
<ns0:Environment xmlns:ns0="http://schemas.dmtf.org/ovf/environment/1" xmlns:ns1="http://schemas.microsoft.com/windowsazure">
  <ns1:ProvisioningSection><ns1:Version>1.0</ns1:Version>
    <ns1:LinuxProvisioningConfigurationSet>
      <ns1:ConfigurationSetType>LinuxProvisioningConfiguration</ns1:ConfigurationSetType>
      <ns1:HostName>ci-azure-vm</ns1:HostName>
      <ns1:UserName>azureuser</ns1:UserName>
      <ns1:UserPassword>Ci-Passw0rd-never-logged</ns1:UserPassword>
      <ns1:DisableSshPasswordAuthentication>true</ns1:DisableSshPasswordAuthentication>
      <ns1:SSH><ns1:PublicKeys><ns1:PublicKey>
        <ns1:Path>/home/azureuser/.ssh/authorized_keys</ns1:Path><ns1:Value>$key</ns1:Value>
      </ns1:PublicKey></ns1:PublicKeys></ns1:SSH>
    </ns1:LinuxProvisioningConfigurationSet>
  </ns1:ProvisioningSection>
</ns0:Environment>
OVF
printf '\n[azure]\nprovision=yes\nimds=%s\nwire-server=%s\novf-env=/ci/ovf-env.xml\nimds-timeout=6s\nreport-timeout=10s\nrequest-timeout=3s\n[kvp]\npool-dir=/var/lib/hyperv\n' \
    "$imds" "$wire" >>/etc/guestd/guestd.conf
mkdir -p /etc/systemd/system/guestd-provision.service.d
printf '[Unit]\n# the test lifts the Azure conditions (an empty condition resets them all)\nConditionVirtualization=\n' \
    >/etc/systemd/system/guestd-provision.service.d/ci.conf
systemctl daemon-reload

# 1. the unit's own IP allow list (168.63.129.16, 169.254.169.254): the emulator on 127.0.0.1 is
#    out of reach, so everything is provisioned (CD wins; IMDS is optional) but the report cannot go out
t0=$(date +%s)
systemctl start guestd-provision.service
r1="$(pprop Result) $(pprop ExecMainStatus)"
echo "provision with the shipped IP allow list: $r1 in $(( $(date +%s) - t0 )) s"
journalctl -u guestd-provision --no-pager -o cat
if [ "$r1" = "exit-code 1" ]; then
    check "IPAddressDeny kept loopback out" sh -c 'journalctl -u guestd-provision --no-pager -o cat | grep -q "Operation not permitted"'
    echo "ip_firewall=enforced" >>/ci/numbers.txt
else
    # BPF cgroup firewalling unavailable in this container: the report went through
    check "provisioned and reported (IP firewall not enforced here)" test "$r1" = "success 0"
    echo "ip_firewall=not-enforced-in-container" >>/ci/numbers.txt
fi
check "the admin user exists" sh -c 'getent passwd azureuser | grep -q ":/home/azureuser:"'
check "its password is a SHA-512 hash" test "$(getent shadow azureuser | cut -d: -f2 | cut -c1-3)" = '$6$'
check "the clear password is in no log" sh -c '! journalctl --no-pager -o cat | grep -q Ci-Passw0rd-never-logged'
check "~/.ssh 0700 azureuser" test "$(stat -c '%a %U' /home/azureuser/.ssh)" = "700 azureuser"
check "authorized_keys 0600 azureuser" test "$(stat -c '%a %U' /home/azureuser/.ssh/authorized_keys)" = "600 azureuser"
check "the key installed" test "$(cat /home/azureuser/.ssh/authorized_keys)" = "$key"
check "sudoers drop-in 0440, no NOPASSWD (a password was given)" sh -c \
    'test "$(stat -c %a /etc/sudoers.d/guestd-provisioning)" = 440 && grep -qx "azureuser ALL=(ALL) ALL" /etc/sudoers.d/guestd-provisioning'
check "host name set (the container's)" test "$(hostname)/$(cat /etc/hostname)" = "ci-azure-vm/ci-azure-vm"
check "PROVISIONING_REPORT in KVP pool 1" sh -c 'guestctl kvp get --pool 1 PROVISIONING_REPORT | grep -q "^result=success|agent=guestd/"'

# 2. with 127.0.0.1 allowed as well (test drop-in), IMDS answers and Ready reaches the wire server
#    (where step 1 could not report, this is a VM id of its own: provisioned again, nothing changes)
printf '[Service]\nIPAddressAllow=127.0.0.1\n' >>/etc/systemd/system/guestd-provision.service.d/ci.conf
systemctl daemon-reload
t0=$(date +%s)
check "guestd provision succeeds" systemctl start guestd-provision.service
echo "provision_reported_s=$(( $(date +%s) - t0 ))" >>/ci/numbers.txt
journalctl -u guestd-provision --no-pager -o cat | tail -n 15
check "Result=success" test "$(pprop Result) $(pprop ExecMainStatus)" = "success 0"
check "the wire server received Ready" grep -q '^json Ready ' /ci/azure/health
check "guestctl azure status: provisioned, Ready delivered" guestctl azure status
# 3. every action idempotent under the sandbox: without its state, the same VM is provisioned again
#    and every step finds its work done
rm /var/lib/guestd/provisioning/state.json
check "provisioned again" systemctl start guestd-provision.service
for st in host-name user password sudo ssh-keys; do
    r=$(journalctl -u guestd-provision --no-pager -o cat | grep "provisioning step=$st " | tail -n 1)
    echo "again: $r"
    case "$st" in
        password) check "step $st again: the hash is set anew (a fresh salt)" sh -c "echo '$r' | grep -q result=done" ;;
        *) check "step $st again: unchanged" sh -c "echo '$r' | grep -q result=unchanged" ;;
    esac
done
check "the key not added twice" test "$(cat /home/azureuser/.ssh/authorized_keys)" = "$key"
# 4. the next boot only asks IMDS
check "start once more" systemctl start guestd-provision.service
check "the next boot only asks IMDS" sh -c \
    'journalctl -u guestd-provision --no-pager -o cat | tail -n 3 | grep -q "reported Ready before: nothing to do"'
systemd-analyze security guestd-provision.service --no-pager >/ci/security-provision.txt 2>&1
grep -i "overall exposure" /ci/security-provision.txt | sed 's/^/security guestd-provision: /' >>/ci/numbers.txt
systemctl show -p RestrictAddressFamilies -p IPAddressDeny -p ProtectSystem -p CapabilityBoundingSet guestd.service
check "the main unit's sandbox is unchanged by the oneshot (no AF_INET, IP deny, strict, 3 capabilities)" sh -c \
    '! systemctl show -p RestrictAddressFamilies --value guestd.service | grep -q AF_INET && \
     test -n "$(systemctl show -p IPAddressDeny --value guestd.service)" && \
     test "$(systemctl show -p ProtectSystem --value guestd.service)" = strict && \
     test "$(systemctl show -p CapabilityBoundingSet --value guestd.service | wc -w)" = 3'
check "restart the resident agent" systemctl restart guestd.service
check "the resident agent leaves provisioning to the unit" sh -c \
    'journalctl -u guestd --no-pager -o cat | tail -n 30 | grep -q "at boot in guestd-provision.service"'
check "guestd deprovision --user --force" guestd deprovision --user --force
check "deprovisioned: user, sudoers drop-in and state gone" sh -c \
    '! getent passwd azureuser && test ! -e /etc/sudoers.d/guestd-provisioning && test ! -e /var/lib/guestd/provisioning/state.json'
check "PROVISIONING_REPORT removed from pool 1" sh -c '! guestctl kvp get --pool 1 PROVISIONING_REPORT'
kill "$emulator" 2>/dev/null || true
rm -rf /etc/systemd/system/guestd-provision.service.d
systemctl daemon-reload

step=purge
rm -rf /etc/systemd/system/guestd.service.d   # the test's own drop-in, not the package's
systemctl daemon-reload
check "apt-get purge" apt-get purge -y -q -o Dpkg::Use-Pty=0 guestd
check "package gone (not rc)" sh -c '! dpkg-query -W -f="\${Status}" guestd 2>/dev/null | grep -q installed\|config-files'
left=$(find /etc /var /usr /lib /run -xdev \( -name '*guestd*' -o -path '*guestd*' \) 2>/dev/null | grep -v '^/var/log/journal' || true)
echo "left after purge: ${left:-nothing}"
check "purge leaves nothing named guestd" test -z "$left"
check "enablement symlink removed" test ! -e /etc/systemd/system/multi-user.target.wants/guestd.service
check "no alias left" test "$(systemctl show -p LoadState --value hv-kvp-daemon.service)" = not-found
check "guestd-provision enablement and mask removed" sh -c \
    'test ! -e /etc/systemd/system/multi-user.target.wants/guestd-provision.service && test ! -e /etc/systemd/system/guestd-provision.service'

step=done
echo PASS >/ci/result
echo "=== PASS"
systemctl poweroff --no-block
