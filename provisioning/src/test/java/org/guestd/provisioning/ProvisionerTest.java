// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.guestd.accounts.Accounts;
import org.guestd.core.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning against a fixture root with a recording runner: nothing on this machine changes. */
class ProvisionerTest {
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMmKbz9Ku1WAw5ohWmo6xyVtdxd9DdSm0mXt2M1nsTNB alice@laptop";
    static final String VM = "13f56399-bd52-4150-9748-7190aae1ff21";

    @TempDir
    Path tmp;
    Path root;
    Path state;
    SimulatedSystem sys;
    Provisioner p;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("root");
        state = tmp.resolve("state/provisioning");
        sys = new SimulatedSystem(root);
        p = provisioner();
    }

    Provisioner provisioner() {
        SystemRoot r = new SystemRoot(root);
        return new Provisioner(r, Accounts.under(r.root(), sys), sys, ProvisioningSettings.defaults(state),
                new FakeClock(1_767_225_600_000_000_000L), new SecureRandom());
    }

    static ProvisioningRequest request(String vmId, List<SshKey> keys, Secret password) {
        return new ProvisioningRequest(vmId, Sourced.of("vm-01", "imds"), Sourced.of("azureuser", "imds"), keys,
                Sourced.of(true, "imds"), password == null ? null : Sourced.of(password, "ovf-env"), null, "/dev/sr0");
    }

    static ProvisioningRequest request() {
        return request(VM, List.of(new SshKey(KEY, "/home/azureuser/.ssh/authorized_keys", "imds")), null);
    }

    String read(String abs) throws IOException {
        return Files.readString(root.resolve(abs.substring(1)), StandardCharsets.UTF_8);
    }

    int mode(String abs) throws IOException {
        int m = 0;
        for (var perm : Files.getPosixFilePermissions(root.resolve(abs.substring(1)), LinkOption.NOFOLLOW_LINKS)) {
            m |= 0400 >> perm.ordinal();
        }
        return m;
    }

    @Test
    void provisionsEverythingOnceAndAuditsEachStep() throws Exception {
        ProvisioningState s = p.provision(request());
        assertEquals(ProvisioningState.Status.PROVISIONED, s.status(), String.valueOf(s.reason()));
        assertEquals(List.of(List.of("hostname", "vm-01"), List.of("useradd", "-m", "azureuser"),
                List.of("eject", "/dev/sr0")), sys.argvs(), "no bash in the fixture: useradd's default shell");
        assertEquals("vm-01\n", read("/etc/hostname"));
        assertEquals("vm-01", sys.hostname);
        assertEquals("# written by guestd provisioning: the VM's admin user\nazureuser ALL=(ALL) NOPASSWD: ALL\n",
                read(ProvisioningSettings.SUDOERS_FILE));
        assertEquals(0440, mode(ProvisioningSettings.SUDOERS_FILE));
        assertEquals(KEY + "\n", read("/home/azureuser/.ssh/authorized_keys"));
        assertEquals(0600, mode("/home/azureuser/.ssh/authorized_keys"));
        assertEquals(0700, mode("/home/azureuser/.ssh"));
        assertEquals(1000, Files.getAttribute(root.resolve("home/azureuser/.ssh/authorized_keys"), "unix:uid"));
        assertEquals(1000, Files.getAttribute(root.resolve("home/azureuser/.ssh"), "unix:gid"));
        assertTrue(read(ProvisioningSettings.SSHD_DROP_IN).endsWith("PasswordAuthentication no\n"));
        assertEquals(List.of("check", "host-name", "user", "password", "sudo", "ssh-keys", "sshd", "custom-data", "eject"),
                s.steps().stream().map(Step::name).toList());
        assertEquals(List.of(Step.Result.DONE, Step.Result.DONE, Step.Result.DONE, Step.Result.UNCHANGED,
                Step.Result.DONE, Step.Result.DONE, Step.Result.DONE, Step.Result.SKIPPED, Step.Result.DONE),
                s.steps().stream().map(Step::result).toList(), s.steps().toString());
        assertEquals("imds", s.steps().get(2).source());
        // stored: a restart does not redo it, another VM id does
        assertTrue(p.provisioned(VM));
        assertTrue(provisioner().provisioned(VM));
        assertFalse(p.provisioned("another-vm"));
        assertEquals(0600, Files.getPosixFilePermissions(state.resolve("state.json")).stream()
                .mapToInt(x -> 0400 >> x.ordinal()).sum());
        assertEquals(0700, Files.getPosixFilePermissions(state).stream().mapToInt(x -> 0400 >> x.ordinal()).sum());
    }

    @Test
    void aSecondRunChangesNothing() throws Exception {
        p.provision(request());
        sys.calls.clear();
        ProvisioningState again = p.provision(request());
        assertEquals(ProvisioningState.Status.PROVISIONED, again.status());
        assertEquals(List.of(List.of("eject", "/dev/sr0")), sys.argvs(), "no useradd, hostname or passwd again");
        assertEquals(List.of(Step.Result.DONE, Step.Result.UNCHANGED, Step.Result.UNCHANGED, Step.Result.UNCHANGED,
                Step.Result.UNCHANGED, Step.Result.UNCHANGED, Step.Result.UNCHANGED, Step.Result.SKIPPED, Step.Result.DONE),
                again.steps().stream().map(Step::result).toList(), again.steps().toString());
        assertEquals(KEY + "\n", read("/home/azureuser/.ssh/authorized_keys"), "the key is not added twice");
    }

    @Test
    void aGivenPasswordIsOnlyEverWrittenAsAHash() throws Exception {
        String clear = "Corr3ct-Horse-Battery";
        ProvisioningState s = p.provision(request(VM, List.of(), Secret.of(clear.toCharArray())));
        assertEquals(ProvisioningState.Status.PROVISIONED, s.status(), String.valueOf(s.reason()));
        SimulatedSystem.Call chpasswd = sys.calls.stream().filter(c -> c.argv().get(0).equals("chpasswd")).findFirst().orElseThrow();
        assertEquals(List.of("chpasswd", "-e"), chpasswd.argv());
        String hash = chpasswd.stdin().strip().substring("azureuser:".length());
        assertEquals(Sha512Crypt.crypt(clear.toCharArray(), hash.substring(3, 19), null), hash);
        assertTrue(read("/etc/shadow").contains("azureuser:" + hash + ":"));
        assertEquals("# written by guestd provisioning: the VM's admin user\nazureuser ALL=(ALL) ALL\n",
                read(ProvisioningSettings.SUDOERS_FILE), "a user with a password types it for sudo");
        // the clear text is nowhere: not in an argument, not on a standard input, not in any file written
        for (SimulatedSystem.Call c : sys.calls) {
            assertFalse(String.join(" ", c.argv()).contains(clear));
            assertFalse(c.stdin() != null && c.stdin().contains(clear));
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(clear), f.toString());
            }
        }
        assertFalse(s.toString().contains(clear));
    }

    @Test
    void anUnusableKeyFailsBeforeAnythingChanges() throws Exception {
        ProvisioningState s = p.provision(request(VM, List.of(new SshKey(KEY, null, "imds"),
                new SshKey("ssh-rsa not-base64!", null, "imds")), null));
        assertEquals(ProvisioningState.Status.FAILED, s.status());
        assertEquals("check: SSH key 2 of 2 is not a usable public key: the ssh-rsa key data is not base64", s.reason());
        assertTrue(sys.calls.isEmpty(), "nothing ran: " + sys.argvs());
        assertEquals("localhost\n", read("/etc/hostname"));
        assertFalse(Files.exists(root.resolve("home/azureuser")));
        assertFalse(p.provisioned(VM), "a failed VM is tried again at the next start");
        assertEquals(ProvisioningState.Status.FAILED, p.current().orElseThrow().status());
    }

    @Test
    void invalidNamesAndSystemAccountsAreRefused() throws Exception {
        ProvisioningState s = p.provision(new ProvisioningRequest(VM, Sourced.of("bad_host!", "ovf-env"),
                Sourced.of("azureuser", "ovf-env"), List.of(), null, null, null, null));
        assertEquals("check: 'bad_host!' is not a valid host name", s.reason());
        s = p.provision(new ProvisioningRequest(VM, null, Sourced.of("-rf", "ovf-env"), List.of(), null, null, null, null));
        assertEquals("check: '-rf' is not a valid user name", s.reason());
        s = p.provision(new ProvisioningRequest(VM, null, Sourced.of("daemon", "imds"), List.of(), null, null, null, null));
        assertEquals("user: daemon is a system account (uid 1): not provisioned", s.reason());
        assertTrue(sys.calls.isEmpty(), sys.argvs().toString());
    }

    @Test
    void aToolFailureStopsProvisioningWithItsMessage() throws Exception {
        sys.fail("useradd", 1, "useradd: cannot lock /etc/passwd; try again later.\nmore\n");
        ProvisioningState s = p.provision(request());
        assertEquals(ProvisioningState.Status.FAILED, s.status());
        assertEquals("user: useradd failed (exit 1): useradd: cannot lock /etc/passwd; try again later.", s.reason());
        assertEquals(List.of("check", "host-name", "user"), s.steps().stream().map(Step::name).toList());
        assertFalse(Files.exists(root.resolve(ProvisioningSettings.SUDOERS_FILE.substring(1))));
    }

    @Test
    void aVisudoRejectionLeavesNoDropIn() throws Exception {
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.writeString(root.resolve("usr/sbin/visudo"), "");
        root.resolve("usr/sbin/visudo").toFile().setExecutable(true);
        sys.fail("visudo", 1, "parse error in /etc/sudoers.d/.guestd-provisioning.check near line 2");
        ProvisioningState s = p.provision(request());
        assertEquals(ProvisioningState.Status.FAILED, s.status());
        assertTrue(s.reason().startsWith("sudo: visudo rejected the sudoers drop-in: parse error"), s.reason());
        try (Stream<Path> l = Files.list(root.resolve("etc/sudoers.d"))) {
            assertEquals(List.of(), l.toList(), "neither the drop-in nor the candidate is left");
        }
        assertTrue(sys.argvs().contains(List.of("visudo", "-c", "-q", "-f", "/etc/sudoers.d/.guestd-provisioning.check")));
    }

    @Test
    void keyPathsOutsideTheHomeAreNotUsedAndLinksAreNotFollowed() throws Exception {
        ProvisioningState s = p.provision(request(VM, List.of(new SshKey(KEY, "/root/.ssh/authorized_keys", "ovf-env")), null));
        assertEquals(ProvisioningState.Status.PROVISIONED, s.status(), s.reason());
        assertFalse(Files.exists(root.resolve("root/.ssh")));
        assertEquals(KEY + "\n", read("/home/azureuser/.ssh/authorized_keys"));
        assertTrue(s.steps().get(5).detail().contains("path /root/.ssh/authorized_keys is outside /home/azureuser"),
                s.steps().get(5).detail());

        Path target = tmp.resolve("elsewhere");
        Files.writeString(target, "precious\n");
        Files.delete(root.resolve("home/azureuser/.ssh/authorized_keys"));
        Files.createSymbolicLink(root.resolve("home/azureuser/.ssh/authorized_keys"), target);
        s = p.provision(request(VM, List.of(new SshKey(KEY, null, "imds")), null));
        assertEquals(ProvisioningState.Status.FAILED, s.status());
        assertTrue(s.reason().contains("is a symbolic link; not followed"), s.reason());
        assertEquals("precious\n", Files.readString(target));
    }

    @Test
    void sshdAndHostNameFollowWhatIsInstalled() throws Exception {
        Files.writeString(root.resolve("etc/ssh/sshd_config"), "UsePAM yes\n");
        Files.createDirectories(root.resolve("run/systemd/system"));
        Files.createDirectories(root.resolve("run/dbus"));
        Files.writeString(root.resolve("run/dbus/system_bus_socket"), "");
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/hostnamectl"), "");
        root.resolve("usr/bin/hostnamectl").toFile().setExecutable(true);
        ProvisioningState s = p.provision(new ProvisioningRequest(VM, Sourced.of("vm-02", "ovf-env"),
                Sourced.of("azureuser", "ovf-env"), List.of(), Sourced.of(false, "ovf-env"), null,
                Sourced.of("#cloud-config\n".getBytes(StandardCharsets.UTF_8), "ovf-env"), null));
        assertEquals(ProvisioningState.Status.PROVISIONED, s.status(), s.reason());
        assertTrue(sys.argvs().contains(List.of("hostnamectl", "set-hostname", "vm-02")));
        assertTrue(sys.argvs().contains(List.of("systemctl", "try-reload-or-restart", "ssh.service", "sshd.service")));
        Step sshd = s.steps().stream().filter(x -> x.name().equals("sshd")).findFirst().orElseThrow();
        assertTrue(sshd.detail().contains("PasswordAuthentication yes") && sshd.detail().contains("has no effect"), sshd.detail());
        assertEquals("#cloud-config\n", Files.readString(state.resolve("custom-data")));
        assertEquals(0600, Files.getPosixFilePermissions(state.resolve("custom-data")).stream()
                .mapToInt(x -> 0400 >> x.ordinal()).sum());
        assertTrue(sys.argvs().stream().noneMatch(a -> a.toString().contains("custom-data")), "custom data is never run");

        Path noSsh = tmp.resolve("root2");
        SimulatedSystem sys2 = new SimulatedSystem(noSsh);
        Files.walk(noSsh.resolve("etc/ssh")).sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        SystemRoot r2 = new SystemRoot(noSsh);
        ProvisioningState s2 = new Provisioner(r2, Accounts.under(r2.root(), sys2), sys2,
                ProvisioningSettings.defaults(tmp.resolve("state2")), new FakeClock(0), new SecureRandom()).provision(request());
        Step sshd2 = s2.steps().stream().filter(x -> x.name().equals("sshd")).findFirst().orElseThrow();
        assertEquals(Step.Result.SKIPPED, sshd2.result());
        assertFalse(Files.exists(noSsh.resolve("etc/ssh")));
    }

    @Test
    void groupsThatExistAreAddedOthersNoted() throws Exception {
        SystemRoot r = new SystemRoot(root);
        Provisioner withGroups = new Provisioner(r, Accounts.under(r.root(), sys), sys,
                new ProvisioningSettings(state, List.of("sudo", "adm", "lxd"), false), new FakeClock(0), new SecureRandom());
        ProvisioningState s = withGroups.provision(request());
        assertTrue(sys.argvs().contains(List.of("usermod", "-a", "-G", "sudo,adm", "azureuser")), sys.argvs().toString());
        Step g = s.steps().stream().filter(x -> x.name().equals("groups")).findFirst().orElseThrow();
        assertTrue(g.detail().contains("missing, skipped: lxd"), g.detail());
        assertTrue(read("/etc/group").contains("sudo:x:27:azureuser"));
        assertTrue(s.steps().stream().noneMatch(x -> x.name().equals("sudo")), "sudo=false: no drop-in");
    }

    @Test
    void withoutASystemBusTheHostNameIsSetWithoutHostnamectl() throws Exception {
        // systemd runs, hostnamectl is installed, but there is no D-Bus (a minimal image): hostnamectl
        // could not reach systemd-hostnamed, so /etc/hostname + hostname, as without systemd
        Files.createDirectories(root.resolve("run/systemd/system"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/hostnamectl"), "");
        root.resolve("usr/bin/hostnamectl").toFile().setExecutable(true);
        ProvisioningState s = p.provision(request());
        assertEquals(ProvisioningState.Status.PROVISIONED, s.status(), s.reason());
        assertTrue(sys.argvs().contains(List.of("hostname", "vm-01")), sys.argvs().toString());
        assertFalse(sys.argvs().stream().anyMatch(a -> a.get(0).equals("hostnamectl")), sys.argvs().toString());
        assertEquals("vm-01\n", read("/etc/hostname"));
        assertEquals(0644, mode("/etc/hostname"));
    }

    @Test
    void reasonsAreCutTo512() {
        assertEquals(512, Provisioner.cap("x".repeat(2000)).length());
        assertEquals("a b", Provisioner.cap("a\nb"));
        assertNull(null);
    }
}
