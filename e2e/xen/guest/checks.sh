# SPDX-License-Identifier: Apache-2.0
# Sourced by dom0's /init once the domU's guestd wrote data/updated (after its first batch of keys): everything printed as
#   XENE2E-KEY <absolute path> = "<value>"     (xenstore-ls -f lines of the domU's tree)
#   XENE2E-PERM <xenstore-ls -fp line>   (control and control/feature-balloon)
#   XENE2E-CHECK <name> ok|fail <detail>
# is read by org.guestd.e2e.xen.XenSuite on the host. $DOMID and $DP (/local/domain/$DOMID) are set.
# Add checks here; keep the line formats.
xenstore-ls -f "$DP" 2>&1 | sed 's/^/XENE2E-KEY /' > /dev/console
xenstore-ls -fp "$DP" 2>&1 | grep -E "^$DP/control( |/feature-balloon )" | sed 's/^/XENE2E-PERM /' > /dev/console
check() { if eval "$2" >/dev/null 2>&1; then echo "XENE2E-CHECK $1 ok" > /dev/console;
          else echo "XENE2E-CHECK $1 fail ($2)" > /dev/console; fi; }
check pvaddons-installed '[ "$(xenstore-read $DP/attr/PVAddons/Installed)" = 1 ]'
check os-distro-present 'xenstore-read $DP/data/os_distro'
check vif-backend-connected '[ "$(xenstore-read /local/domain/0/backend/vif/$DOMID/0/hotplug-status)" = connected ]'
