// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.testing.FixtureTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {
    static final String PACKAGED_CONF = "[general]\nblock-rpcs=guest-exec;guest-exec-status;guest-file-open\n";

    @TempDir
    Path root;
    FixtureTree t;

    @BeforeEach
    void tree() {
        t = new FixtureTree(root);
        t.file("etc/guestd/guestd.conf", PACKAGED_CONF);
    }

    List<String> findings() {
        Roots roots = new Roots(root, null);
        return new Doctor(roots, roots.stateDir(Optional.empty())).run().stream().map(Doctor.Finding::line).toList();
    }

    /** A QEMU guest with its agent port, as udev and the virtio driver make it. */
    void qemuGuestWithPort() {
        t.file("sys/class/dmi/id/sys_vendor", "QEMU\n");
        t.file("sys/class/virtio-ports/vport1p1/name", "org.qemu.guest_agent.0\n");
        t.symlink("dev/virtio-ports/org.qemu.guest_agent.0", "../vport1p1");
    }

    @Test
    void aHealthySystemHasNoFindings() {
        qemuGuestWithPort();
        CtlFixtures.guestdProcess(t, 412);
        assertEquals(List.of(), findings());
        CtlFixtures.Run r = CtlFixtures.guestctl("doctor", "--root", root.toString());
        assertEquals(0, r.rc(), r.out());
        assertEquals("no problems found\n", r.out());
    }

    @Test
    void aDevicePresentButNoAgent() {
        qemuGuestWithPort();
        t.file("dev/vmbus/hv_kvp", "");
        CtlFixtures.statusFile(t, CtlFixtures.status(412, false, CtlFixtures.blocked()));
        assertEquals(List.of("/dev/virtio-ports/org.qemu.guest_agent.0, /dev/vmbus/hv_kvp are present but guestd is"
                + " not running; it stopped at 2026-11-18T11:06:28Z — fix: systemctl start guestd (udev starts it when"
                + " a channel device appears; if it stops again, journalctl -u guestd says why)"), findings());
        CtlFixtures.Run r = CtlFixtures.guestctl("doctor", "--root", root.toString());
        assertEquals(1, r.rc());
        assertEquals(1, r.out().lines().count(), "one line per finding");
    }

    @Test
    void anotherAgentRunningOrEnabledForTheSameDevice() {
        qemuGuestWithPort();
        CtlFixtures.guestdProcess(t, 412);
        CtlFixtures.process(t, 600, "qemu-ga", "/usr/sbin/qemu-ga", "-m", "virtio-serial");
        t.file("dev/vmbus/hv_kvp", "");
        t.file("dev/vmbus/hv_vss", "");
        t.symlink("etc/systemd/system/multi-user.target.wants/hv-kvp-daemon.service",
                "/lib/systemd/system/hv-kvp-daemon.service");
        t.file("lib/udev/rules.d/70-hv_vss.rules", "SUBSYSTEM==\"misc\", KERNEL==\"vmbus/hv_vss\"\n");
        t.file("lib/udev/rules.d/70-hv_fcopy.rules", ""); // no fcopy device: no race
        assertEquals(List.of(
                "qemu-ga (pid 600) is running: it and guestd both open /dev/virtio-ports/org.qemu.guest_agent.0, which"
                        + " takes one opener, so one of them loses — fix: systemctl disable --now"
                        + " qemu-guest-agent.service (or remove qemu-guest-agent: guestd replaces it)",
                "hv-kvp-daemon.service is enabled (multi-user.target.wants): at boot it races guestd for"
                        + " /dev/vmbus/hv_kvp — fix: systemctl disable hv-kvp-daemon.service && systemctl mask"
                        + " hv-kvp-daemon.service (or remove hyperv-daemons (Debian), hypervkvpd (RHEL))",
                "hv-vss-daemon.service is installed and its udev rule (/lib/udev/rules.d/70-hv_vss.rules) starts it:"
                        + " at boot it races guestd for /dev/vmbus/hv_vss — fix: systemctl disable hv-vss-daemon.service"
                        + " && systemctl mask hv-vss-daemon.service (or remove hyperv-daemons (Debian), hypervvssd"
                        + " (RHEL))"), findings());
        // masked units are not a problem; a daemon with a long name is found by its cut name
        t.symlink("etc/systemd/system/hv-kvp-daemon.service", "/dev/null");
        t.symlink("etc/systemd/system/hv-vss-daemon.service", "/dev/null");
        t.symlink("etc/systemd/system/hypervvssd.service", "/dev/null");
        CtlFixtures.process(t, 700, "hv_fcopy_uio_da", "/usr/sbin/hv_fcopy_uio_daemon");
        List<String> f = findings();
        assertEquals(2, f.size(), f.toString());
        assertTrue(f.get(1).startsWith("hv_fcopy_uio_daemon (pid 700) is running: it and guestd both open"
                + " /dev/vmbus/hv_fcopy"), f.get(1));
    }

    @Test
    void theXenAgentsWriteTheSameKeys() {
        t.file("dev/xen/xenbus", "");
        CtlFixtures.guestdProcess(t, 412);
        CtlFixtures.process(t, 800, "xe-daemon", "/usr/sbin/xe-daemon");
        t.symlink("etc/systemd/system/multi-user.target.wants/xen-guest-agent.service",
                "/lib/systemd/system/xen-guest-agent.service");
        assertEquals(List.of(
                "xe-daemon (pid 800) is running: it and guestd both open /dev/xen/xenbus, and both write the same"
                        + " xenstore keys (attr/, data/), so each overwrites the other's — fix: systemctl disable --now"
                        + " xe-linux-distribution.service (or remove xe-guest-utilities: guestd replaces it)",
                "xen-guest-agent.service is enabled (multi-user.target.wants): at boot it starts beside guestd, and"
                        + " both write the same xenstore keys — fix: systemctl disable xen-guest-agent.service && systemctl mask"
                        + " xen-guest-agent.service (or remove xen-guest-agent)"), findings());
    }

    @Test
    void aQemuGuestWithoutTheAgentPort() {
        t.file("sys/class/dmi/id/sys_vendor", "QEMU\n");
        t.file("sys/class/virtio-ports/vport1p1/name", "org.guestd.e2e.ctl\n"); // another port
        CtlFixtures.guestdProcess(t, 412);
        List<String> f = findings();
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).startsWith("this QEMU/KVM guest has no virtio-serial port named org.qemu.guest_agent.0"
                + " (the QEMU guest agent channel), so the host cannot reach guestd — fix: add the channel to the VM"
                + " definition and restart the VM — libvirt (virsh edit): <channel type='unix'><target type='virtio'"
                + " name='org.qemu.guest_agent.0'/></channel>; Proxmox: qm set VMID --agent enabled=1"), f.get(0));
        // served over vsock on purpose: no port needed; not a QEMU guest: nothing to say either
        t.file("etc/guestd/guestd.conf", PACKAGED_CONF + "method=vsock-listen\npath=3:1234\n");
        assertEquals(List.of(), findings());
        t.file("etc/guestd/guestd.conf", PACKAGED_CONF);
        t.file("sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
        assertEquals(List.of(), findings());
    }

    @Test
    void hostActsAsRootWithoutAnyoneChoosing() throws Exception {
        qemuGuestWithPort();
        CtlFixtures.guestdProcess(t, 412);
        Files.delete(root.resolve("etc/guestd/guestd.conf"));
        List<String> f = findings();
        assertEquals(1, f.size());
        assertTrue(f.get(0).startsWith("guest-exec, guest-exec-status, guest-file-open, guest-file-close,"
                + " guest-file-read, guest-file-write, guest-file-seek, guest-file-flush, guest-set-user-password,"
                + " guest-ssh-get-authorized-keys, guest-ssh-add-authorized-keys, guest-ssh-remove-authorized-keys"
                + " are enabled because there is no " + root.resolve("etc/guestd/guestd.conf")
                + ": whoever controls the host can run programs as root"), f.get(0));
        t.file("etc/guestd/guestd.conf", "[general]\nverbose=true\n");
        assertTrue(findings().get(0).contains("because " + root.resolve("etc/guestd/guestd.conf")
                + " sets no block-rpcs or allow-rpcs"));
        t.file("etc/guestd/guestd.conf", "[general]\nallow-rpcs=guest-ping;guest-exec\n");
        assertEquals(List.of(), findings(), "an allow list naming guest-exec is a choice");

        // the running agent's own view wins: only what it has enabled is named
        AgentStatus.Commands none = new AgentStatus.Commands(null, List.of("guest-ping", "guest-file-read"),
                List.of("guest-exec"));
        CtlFixtures.statusFile(t, CtlFixtures.status(412, true, none));
        f = findings();
        assertEquals(1, f.size());
        assertTrue(f.get(0).startsWith("guest-file-read are enabled because guestd reports no block-rpcs or"
                + " allow-rpcs"), f.get(0));
        CtlFixtures.statusFile(t, CtlFixtures.status(412, true, CtlFixtures.blocked()));
        assertEquals(List.of(), findings());
    }

    @Test
    void kvpPoolFilesWithWrongModes() throws Exception {
        qemuGuestWithPort();
        CtlFixtures.guestdProcess(t, 412);
        for (int i = 0; i < 5; i++) {
            t.file("var/lib/hyperv/.kvp_pool_" + i, "");
            mode("var/lib/hyperv/.kvp_pool_" + i, "rw-------");
        }
        mode("var/lib/hyperv", "rwx------");
        assertEquals(List.of(), findings());
        mode("var/lib/hyperv/.kvp_pool_0", "rw-r--r--");
        mode("var/lib/hyperv/.kvp_pool_1", "rw-r--r--");
        mode("var/lib/hyperv/.kvp_pool_3", "rw-rw-rw-");
        mode("var/lib/hyperv", "rwxrwxrwx");
        Path dir = root.resolve("var/lib/hyperv");
        assertEquals(List.of(
                dir + " is 0777: local users can replace the pool files — fix: chmod 0700 " + dir,
                dir + "/.kvp_pool_0, " + dir + "/.kvp_pool_1 are 0644: local users can read what the host and this"
                        + " guest exchange — fix: chmod 0600 " + dir + "/.kvp_pool_0 " + dir + "/.kvp_pool_1 (guestd"
                        + " tightens them to [kvp] file-mode when it starts; hv_kvp_daemon leaves 0644)",
                dir + "/.kvp_pool_3 is 0666: any local user can change what the host reads from this guest — fix:"
                        + " chmod 0600 " + dir + "/.kvp_pool_3 (guestd tightens them to [kvp] file-mode when it"
                        + " starts; hv_kvp_daemon leaves 0644)"), findings());
        // a configured file-mode is what the files are held to
        t.file("etc/guestd/guestd.conf", PACKAGED_CONF + "[kvp]\nfile-mode=0644\n");
        mode("var/lib/hyperv", "rwx------");
        assertEquals(1, findings().size(), findings().toString());
    }

    private void mode(String relative, String perms) throws Exception {
        Files.setPosixFilePermissions(root.resolve(relative), PosixFilePermissions.fromString(perms));
    }
}
