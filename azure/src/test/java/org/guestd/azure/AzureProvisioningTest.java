// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.guestd.accounts.Accounts;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.ProvisioningFact;
import org.guestd.host.azure.AzureHostEmulator.Route;
import org.guestd.host.azure.AzureHostEmulator;
import org.guestd.host.azure.Fault;
import org.guestd.host.azure.HealthReport;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.cli.GuestCtl;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.provisioning.Provisioner;
import org.guestd.provisioning.ProvisioningAuthority;
import org.guestd.provisioning.ProvisioningSettings;
import org.guestd.provisioning.ProvisioningState;
import org.guestd.provisioning.SimulatedSystem;
import org.guestd.provisioning.StateFile;
import org.guestd.provisioning.SystemRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Azure pass against the host emulator on loopback, a fixture root with a simulated
 * runner, and KVP pools in a temporary directory: nothing on this machine changes and nothing
 * leaves it.
 */
class AzureProvisioningTest {
    @TempDir
    Path tmp;
    AzureHostEmulator emu;
    SimulatedSystem sys;
    FileKvpStore store;
    final Map<String, Long> kvpWrites = new ConcurrentHashMap<>();
    final FactPublisher facts = new FactPublisher();
    final TestTime time = new TestTime();

    @BeforeEach
    void setUp() throws Exception {
        emu = EmulatorFixture.start();
        sys = new SimulatedSystem(tmp.resolve("root"));
        store = new FileKvpStore(FileKvpStore.Options.defaults(tmp.resolve("hyperv")));
        store.init();
    }

    @AfterEach
    void tearDown() {
        emu.close();
    }

    /** The store, noting when each key was written (System.nanoTime, as the emulator's reports). */
    KvpStore recordingStore() {
        return new KvpStore() {
            @Override
            public Optional<byte[]> get(int pool, byte[] key) throws KvpException {
                return store.get(pool, key);
            }

            @Override
            public void set(int pool, byte[] key, byte[] value) throws KvpException {
                store.set(pool, key, value);
                kvpWrites.put(new String(key, StandardCharsets.UTF_8), System.nanoTime());
            }

            @Override
            public boolean delete(int pool, byte[] key) throws KvpException {
                return store.delete(pool, key);
            }

            @Override
            public Optional<Entry> enumerate(int pool, int index) throws KvpException {
                return store.enumerate(pool, index);
            }

            @Override
            public List<Entry> list(int pool) throws KvpException {
                return store.list(pool);
            }
        };
    }

    AzureProvisioning service(Map<String, String> extra) throws Exception {
        Map<String, String> cfg = new HashMap<>(Map.of("wire-server", emu.wireServerUri().toString(),
                "imds", emu.imdsUri().toString(), "imds-timeout", "20s", "report-timeout", "30s", "request-timeout", "2s"));
        cfg.putAll(extra);
        AzureSettings s = AzureSettings.fromConfig(new ConfigSection("azure", cfg));
        EmulatorFixture.assertLoopback(s.wireServer());
        EmulatorFixture.assertLoopback(s.imds());
        SystemRoot root = new SystemRoot(sys.root);
        Provisioner p = new Provisioner(root, Accounts.under(root.root(), sys), sys,
                ProvisioningSettings.defaults(tmp.resolve("state")), time, new SecureRandom());
        return new AzureProvisioning(s, p, Optional.of(recordingStore()), facts, HostPaths.under(sys.root), sys,
                tmp.resolve("run"), sys.root, "0.1.0", time, time);
    }

    AzureProvisioning service() throws Exception {
        return service(Map.of());
    }

    String kvp(String key) throws Exception {
        return new String(store.get(1, key.getBytes(StandardCharsets.UTF_8)).orElseThrow(), StandardCharsets.UTF_8);
    }

    ProvisioningState state() throws Exception {
        return new StateFile(tmp.resolve("state")).load().orElseThrow();
    }

    @Test
    void imdsOnlyProvisionsReportsKvpThenReadyAndOnlyOnce() throws Exception {
        AzureProvisioning a = service();
        assertEquals(AzureProvisioning.Outcome.READY, a.runOnce());
        assertTrue(sys.argvs().contains(List.of("useradd", "-m", "azureuser")), sys.argvs().toString());
        assertTrue(sys.argvs().contains(List.of("hostname", "vm-imds-01")));
        assertFalse(sys.argvs().stream().anyMatch(x -> x.get(0).equals("eject")), "no CD, nothing to eject");
        assertEquals(EmulatorFixture.KEY + "\n",
                Files.readString(sys.root.resolve("home/azureuser/.ssh/authorized_keys")));
        List<HealthReport> h = emu.healthReports();
        assertEquals(1, h.size());
        assertEquals("Ready", h.get(0).state());
        assertEquals("guestd/0.1.0", h.get(0).agentName());
        String report = kvp("PROVISIONING_REPORT");
        assertTrue(report.startsWith("result=success|agent=guestd/0.1.0|pps_type=None|vm_id=" + EmulatorFixture.VM_ID
                + "|timestamp=2026-01-01T00:00:00"), report);
        assertTrue(kvpWrites.get("PROVISIONING_REPORT") < h.get(0).atNanos(), "KVP report first, then Ready");
        long events = store.list(1).stream().filter(e -> e.keyText().startsWith("guestd-0.1.0|" + EmulatorFixture.VM_ID
                + "|INFO|provision:")).count();
        assertEquals(state().steps().size(), events, "one telemetry event per step");
        assertEquals("Ready", state().report().health());
        assertEquals("json /provisioning/health", state().report().via());
        assertEquals(new ProvisioningFact("ready", "Ready reported (json /provisioning/health)"),
                facts.get(FactKind.PROVISIONING, FactKind.SINGLE));

        // guestctl azure status reads the same state file and pool (the format contract)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, GuestCtl.run(new String[] {"azure", "status", "--state-dir",
                tmp.resolve("state").toString(), "--pool-dir", tmp.resolve("hyperv").toString()},
                new PrintStream(out, true), System.err));
        String status = out.toString(StandardCharsets.UTF_8);
        assertTrue(status.contains("provisioning:    provisioned (VM " + EmulatorFixture.VM_ID + ", from imds)"), status);
        assertTrue(status.contains("health report:   Ready — json /provisioning/health"), status);
        assertTrue(status.contains("KVP report:      " + report), status);

        // the next start (a reboot) does nothing
        sys.calls.clear();
        int requests = emu.requests().size();
        assertEquals(AzureProvisioning.Outcome.ALREADY, service().runOnce());
        assertTrue(sys.calls.isEmpty(), sys.argvs().toString());
        assertEquals(1, emu.healthReports().size());
        assertEquals(requests + 1, emu.requests().size(), "only IMDS, for the VM id");

        // a new VM from the same image: a new id, provisioned again
        emu.instance(new AzureHostEmulator.Instance("22222222-0000-4000-8000-000000000000", "vm-imds-02", "azureuser",
                true, List.of(new AzureHostEmulator.Key(EmulatorFixture.KEY, null))));
        assertEquals(AzureProvisioning.Outcome.READY, service().runOnce());
        assertTrue(sys.argvs().contains(List.of("hostname", "vm-imds-02")));
        assertEquals(2, emu.healthReports().size());
    }

    @Test
    void anUnusableKeyReportsNotReadyWithTheReasonAndIsRetriedNextStart() throws Exception {
        emu.instance(new AzureHostEmulator.Instance(EmulatorFixture.VM_ID, "vm-imds-01", "azureuser", true,
                List.of(new AzureHostEmulator.Key("ssh-rsa this-is-not-a-key", null))));
        assertEquals(AzureProvisioning.Outcome.NOT_READY, service().runOnce());
        HealthReport h = emu.healthReports().get(0);
        assertEquals("NotReady", h.state());
        assertEquals("ProvisioningFailed", h.subStatus());
        assertEquals("check: SSH key 1 of 1 is not a usable public key: the ssh-rsa key data is not base64", h.description());
        assertTrue(kvp("PROVISIONING_REPORT").startsWith("result=error|reason=check: SSH key 1 of 1 is not a usable"),
                kvp("PROVISIONING_REPORT"));
        assertTrue(store.list(1).stream().anyMatch(e -> e.keyText().contains("|ERROR|provision:check|")));
        assertTrue(sys.calls.isEmpty(), "nothing changed: " + sys.argvs());
        assertEquals(new ProvisioningFact("failed", h.description()), facts.get(FactKind.PROVISIONING, FactKind.SINGLE));
        // a record another writer keeps in pool 1
        store.set(1, "CLOUD_INIT|diagnostic|x".getBytes(StandardCharsets.UTF_8), "kept".getBytes(StandardCharsets.UTF_8));
        // failing again and again (a reboot each time) does not pile up guestd's events
        assertEquals(AzureProvisioning.Outcome.NOT_READY, service().runOnce());
        assertEquals(AzureProvisioning.Outcome.NOT_READY, service().runOnce());
        assertEquals(1, store.list(1).stream().filter(e -> KvpReport.isOwnEvent(e.keyText())).count(),
                "one pass of events (the check step), not three");
        // the next start tries again (and the platform may have fixed the key meanwhile)
        emu.instance(EmulatorFixture.instance());
        assertEquals(AzureProvisioning.Outcome.READY, service().runOnce());
        assertEquals("Ready", emu.healthReports().get(3).state());
        assertEquals(state().steps().size(), store.list(1).stream().filter(e -> KvpReport.isOwnEvent(e.keyText())).count(),
                "only the successful pass's events");
        assertEquals("kept", kvp("CLOUD_INIT|diagnostic|x"), "another writer's record is never touched");
    }

    @Test
    void ovfEnvFromTheCdWithImdsForTheIdAndTheFingerprintOnlyKeys() throws Exception {
        Path ovf = tmp.resolve("ovf-env.xml");
        Files.write(ovf, OvfEnvTest.fixture("full.xml"));
        assertEquals(AzureProvisioning.Outcome.READY, service(Map.of("ovf-env", ovf.toString())).runOnce());
        assertTrue(sys.argvs().contains(List.of("hostname", "vm-ovf-01")), "the CD's host name wins");
        assertTrue(sys.argvs().contains(List.of("chpasswd", "-e")), sys.argvs().toString());
        assertFalse(sys.calls.stream().anyMatch(c -> c.stdin() != null && c.stdin().contains("S3cret")));
        assertTrue(Files.readString(sys.root.resolve("etc/ssh/sshd_config.d/50-guestd-provisioning.conf"))
                .contains("PasswordAuthentication yes"), "the CD says password login stays on");
        // one key from the CD; the fingerprint-only one is covered by IMDS's (the same key here: installed once)
        assertEquals(EmulatorFixture.KEY + "\n", Files.readString(sys.root.resolve("home/azureuser/.ssh/authorized_keys")));
        assertEquals("#!/bin/sh\necho must never run\n", Files.readString(tmp.resolve("state/custom-data")));
        assertEquals("ovf-env", state().sources(), "every value came from the CD (IMDS gave the VM id and a duplicate key)");
        assertEquals(EmulatorFixture.VM_ID, state().vmId());
    }

    @Test
    void aMalformedOvfEnvIsAFailureWithItsReason() throws Exception {
        Path ovf = tmp.resolve("ovf-env.xml");
        Files.write(ovf, OvfEnvTest.fixture("missing-hostname.xml"));
        assertEquals(AzureProvisioning.Outcome.NOT_READY, service(Map.of("ovf-env", ovf.toString())).runOnce());
        assertEquals("ovf-env.xml: HostName is missing", emu.healthReports().get(0).description());
        assertEquals(ProvisioningState.Status.FAILED, state().status());
    }

    @Test
    void anUnreachableWireServerLeavesTheReportForTheNextStart() throws Exception {
        AzureProvisioning a = service(Map.of("report-timeout", "5s"));
        Fault[] down = new Fault[200];
        Arrays.fill(down, new Fault.Status(503));
        emu.script(Route.HEALTH_JSON, down);
        emu.script(Route.GOAL_STATE, down);
        assertEquals(AzureProvisioning.Outcome.UNREPORTED, a.runOnce());
        assertTrue(emu.healthReports().isEmpty());
        ProvisioningState s = state();
        assertEquals(ProvisioningState.Status.PROVISIONED, s.status());
        assertTrue(s.report().via().startsWith("not delivered"), s.report().via());
        assertNotNull(s.report().kvp(), "KVP was written anyway");
        // next start: not provisioned again, only reported
        emu.close();
        emu = EmulatorFixture.start();
        sys.calls.clear();
        AzureProvisioning b = service();
        assertEquals(AzureProvisioning.Outcome.READY, b.runOnce());
        assertTrue(sys.calls.isEmpty(), sys.argvs().toString());
        assertEquals("Ready", emu.healthReports().get(0).state());
    }

    @Test
    void theClassicPathWhenTheJsonEndpointIsMissing() throws Exception {
        emu.jsonHealth(false);
        assertEquals(AzureProvisioning.Outcome.READY, service().runOnce());
        assertEquals("xml", emu.healthReports().get(0).kind());
        assertEquals("xml /machine?comp=health", state().report().via());
    }

    @Test
    void imdsDownAndNoCdIsAFailureReportedWithTheSmbiosId() throws Exception {
        Files.createDirectories(sys.root.resolve("sys/class/dmi/id"));
        Files.writeString(sys.root.resolve("sys/class/dmi/id/product_uuid"), "AB12CD34-0000-4000-8000-000000000000\n");
        Fault[] down = new Fault[200];
        Arrays.fill(down, new Fault.Status(500));
        emu.script(Route.IMDS, down);
        assertEquals(AzureProvisioning.Outcome.NOT_READY, service(Map.of("imds-timeout", "3s")).runOnce());
        assertTrue(emu.healthReports().get(0).description().startsWith("no ovf-env.xml and IMDS unreachable"),
                emu.healthReports().get(0).description());
        assertEquals("ab12cd34-0000-4000-8000-000000000000", state().vmId());
        assertTrue(kvp("PROVISIONING_REPORT").contains("vm_id=ab12cd34-0000-4000-8000-000000000000"));
    }

    @Test
    void settingsRejectWhatCannotWork() {
        Assertions.assertThrows(ConfigException.class,
                () -> AzureSettings.fromConfig(new ConfigSection("azure", Map.of("provision", "maybe"))));
        Assertions.assertThrows(ConfigException.class,
                () -> AzureSettings.fromConfig(new ConfigSection("azure", Map.of("wire-server", "https://x"))));
    }

    @Test
    void defaultsAreAzuresOwnEndpoints() throws Exception {
        AzureSettings s = AzureSettings.fromConfig(ConfigSection.empty("azure"));
        assertEquals("http://168.63.129.16", s.wireServer().toString());
        assertEquals("http://169.254.169.254", s.imds().toString());
        assertEquals(ProvisioningAuthority.Mode.AUTO, s.mode());
        assertEquals(Duration.ofSeconds(300), s.imdsTimeout());
    }
}
