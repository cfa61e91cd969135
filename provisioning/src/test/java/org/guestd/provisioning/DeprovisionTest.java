// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.guestd.accounts.Accounts;
import org.guestd.core.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deprovisioning a provisioned fixture root with the simulated runner. */
class DeprovisionTest {
    @TempDir
    Path tmp;
    SimulatedSystem sys;
    Path state;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final List<String> extraRan = new ArrayList<>();

    @BeforeEach
    void provisioned() throws Exception {
        sys = new SimulatedSystem(tmp.resolve("root"));
        state = tmp.resolve("state");
        SystemRoot r = new SystemRoot(sys.root);
        ProvisioningState s = new Provisioner(r, Accounts.under(r.root(), sys), sys, ProvisioningSettings.defaults(state),
                new FakeClock(0), new SecureRandom()).provision(new ProvisioningRequest("vm", Sourced.of("vm-01", "imds"),
                Sourced.of("azureuser", "imds"), List.of(new SshKey(ProvisionerTest.KEY, null, "imds")),
                Sourced.of(true, "imds"), null, Sourced.of(new byte[] {1}, "ovf-env"), null));
        assertEquals(ProvisioningState.Status.PROVISIONED, s.status());
        for (String f : List.of("etc/ssh/ssh_host_ed25519_key", "etc/ssh/ssh_host_ed25519_key.pub", "etc/ssh/ssh_host_rsa_key",
                "var/lib/dhcp/dhclient.eth0.leases", "var/lib/NetworkManager/internal-x-eth0.lease",
                "var/lib/NetworkManager/NetworkManager.state")) {
            Files.createDirectories(sys.root.resolve(f).getParent());
            Files.writeString(sys.root.resolve(f), "x");
        }
        sys.calls.clear();
    }

    int run(String stdin, String... args) {
        SystemRoot r = new SystemRoot(sys.root);
        return DeprovisionCommand.run(List.of(args), dir -> new Deprovisioner(r, Accounts.under(r.root(), sys), sys,
                new StateFile(dir)), List.of(new Deprovisioner.Action("extra protocol step", () -> extraRan.add("kvp"))),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true),
                new PrintStream(err, true));
    }

    Map<String, String> tree() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.toList()) {
                m.put(tmp.relativize(p).toString(), Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "/");
            }
        }
        return m;
    }

    @Test
    void dryRunListsEverythingAndChangesNothing() throws Exception {
        Map<String, String> before = tree();
        assertEquals(0, run("", "--user", "--dry-run", "--state-dir", state.toString()));
        assertEquals(before, tree());
        assertTrue(sys.calls.isEmpty());
        assertTrue(extraRan.isEmpty());
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.startsWith("guestd deprovision would:\n"), o);
        assertTrue(o.contains("  - remove the SSH host keys: /etc/ssh/ssh_host_ed25519_key, /etc/ssh/ssh_host_ed25519_key.pub,"
                + " /etc/ssh/ssh_host_rsa_key\n"), o);
        assertTrue(o.contains("  - remove cached DHCP leases: /var/lib/dhcp/dhclient.eth0.leases, "
                + "/var/lib/NetworkManager/internal-x-eth0.lease\n"), o);
        assertTrue(o.contains("  - reset the host name to localhost.localdomain\n"), o);
        assertTrue(o.contains("  - delete the provisioned user azureuser and its home directory (userdel -r)\n"), o);
        assertTrue(o.contains("  - remove the sudoers drop-in: /etc/sudoers.d/guestd-provisioning\n"), o);
        assertTrue(o.contains("  - extra protocol step\n"), o);
        assertTrue(o.contains("remove guestd's provisioning state and custom data: " + state.resolve("custom-data") + ", "
                + state.resolve("state.json")), o);
        assertTrue(o.endsWith("dry run: nothing was changed\n"), o);
    }

    @Test
    void declinedChangesNothingConfirmedRemovesAll() throws Exception {
        Map<String, String> before = tree();
        assertEquals(0, run("n\n", "--state-dir", state.toString()));
        assertEquals(before, tree());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("not confirmed: nothing was changed"));

        assertEquals(0, run("y\n", "--user", "--state-dir", state.toString()));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(List.of("hostname", "localhost.localdomain"), List.of("userdel", "-r", "azureuser")),
                sys.argvs());
        for (String gone : List.of("etc/ssh/ssh_host_rsa_key", "var/lib/dhcp/dhclient.eth0.leases",
                "var/lib/NetworkManager/internal-x-eth0.lease", "etc/sudoers.d/guestd-provisioning",
                "etc/ssh/sshd_config.d/50-guestd-provisioning.conf", "home/azureuser")) {
            assertFalse(Files.exists(sys.root.resolve(gone)), gone);
        }
        assertTrue(Files.exists(sys.root.resolve("var/lib/NetworkManager/NetworkManager.state")), "only leases");
        assertTrue(Files.exists(sys.root.resolve("etc/ssh/sshd_config")), "sshd's own config stays");
        assertEquals("localhost.localdomain\n", Files.readString(sys.root.resolve("etc/hostname")));
        assertFalse(Files.exists(state.resolve("state.json")));
        assertFalse(Files.readString(sys.root.resolve("etc/passwd")).contains("azureuser"));
        assertEquals(List.of("kvp"), extraRan);
    }

    @Test
    void withoutUserTheAccountAndItsSudoStay() throws Exception {
        assertEquals(0, run("", "--force", "--state-dir", state.toString()));
        assertTrue(Files.exists(sys.root.resolve("home/azureuser/.ssh/authorized_keys")));
        assertTrue(Files.exists(sys.root.resolve("etc/sudoers.d/guestd-provisioning")));
        assertFalse(Files.exists(sys.root.resolve("etc/ssh/ssh_host_rsa_key")));
        assertFalse(sys.argvs().stream().anyMatch(a -> a.get(0).equals("userdel")));
    }

    @Test
    void usageAndFailures() {
        assertEquals(2, run("", "--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --bogus"));
        sys.fail("hostname", 1, "hostname: you must be root to change the host name");
        assertEquals(1, run("", "--force", "--state-dir", state.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "failed to reset the host name to localhost.localdomain: hostname failed (exit 1): hostname: you must be root"),
                err.toString(StandardCharsets.UTF_8));
    }
}
