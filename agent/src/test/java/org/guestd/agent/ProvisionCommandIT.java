// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guestd.host.azure.AzureHostEmulator;
import org.guestd.host.azure.HealthReport;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.provisioning.ProvisioningState;
import org.guestd.provisioning.StateFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box: {@code bin/guestd provision}, the command the packaged guestd-provision.service runs,
 * against {@code host}'s Azure emulator on loopback. Only the paths that change nothing on this
 * machine are run here (the actions are ProvisionerTest's, on a fixture root, and the VM suite's):
 * a report not yet delivered is delivered, a provisioned VM is left alone, an unusable ovf-env.xml is
 * reported NotReady, and off Azure nothing happens. Belt and braces: the child's PATH holds only the
 * three tools the launcher uses, so not even a bug could run useradd, hostname or mount here.
 */
class ProvisionCommandIT {
    static final String VM_ID = "5c5d7f0e-3c3a-4a43-8a4f-6e1d7d9b1c21";
    static final String TAG = "7783-7084-3265-9085-8269-3286-77";

    @TempDir
    Path tmp;
    AzureHostEmulator emulator;
    Path stateDir;
    Path poolDir;
    Path sys;
    String log;

    @BeforeEach
    void setUp() throws Exception {
        emulator = AzureHostEmulator.start(new AzureHostEmulator.Instance(VM_ID, "vm-01", "azureuser", true, List.of()),
                new AzureHostEmulator.Ids("1", "c6d5526c-5ac2-4200-b6e2-56f2b70c5ab2", "b61f93d0.MachineRole_IN_0"));
        for (URI u : List.of(emulator.imdsUri(), emulator.wireServerUri())) {
            assertTrue(InetAddress.getByName(u.getHost()).isLoopbackAddress(), "not a loopback endpoint: " + u);
        }
        stateDir = tmp.resolve("state");
        poolDir = tmp.resolve("kvp");
        sys = tmp.resolve("sys");
        Files.createDirectories(sys.resolve("class/dmi/id"));
        Files.writeString(sys.resolve("class/dmi/id/chassis_asset_tag"), TAG + "\n");
    }

    @AfterEach
    void tearDown() {
        emulator.close();
    }

    /** Runs {@code bin/guestd provision} with a config pointing every endpoint and path at the fixtures. */
    int provision(String mode, String ovfEnv) throws Exception {
        Path conf = tmp.resolve("guestd.conf");
        Files.writeString(conf, "[azure]\nprovision=" + mode + "\nimds=" + emulator.imdsUri() + "\nwire-server="
                + emulator.wireServerUri() + "\nimds-timeout=15s\nreport-timeout=15s\nrequest-timeout=5s\n"
                + (ovfEnv == null ? "media=" + tmp.resolve("no-cd") + "\n" : "ovf-env=" + ovfEnv + "\n")
                + "[provisioning]\nstate-dir=" + stateDir + "\n");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("dirname", "readlink", "tr")) {
            Path wrapper = bin.resolve(tool);
            Files.writeString(wrapper, "#!/bin/sh\nexec /usr/bin/" + tool + " \"$@\"\n");
            wrapper.toFile().setExecutable(true);
        }
        List<String> cmd = new ArrayList<>(List.of(AgentProcess.REPO.resolve("bin/guestd").toString(), "provision",
                "-c", conf.toString(), "--kvp-pool-dir", poolDir.toString(), "--sys-root", sys.toString(),
                "-t", tmp.resolve("run").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectErrorStream(true);
        Path out = tmp.resolve("provision.log");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "guestd provision did not end");
        log = Files.readString(out, StandardCharsets.UTF_8);
        return p.exitValue();
    }

    String kvpReport() throws Exception {
        return new FileKvpStore(FileKvpStore.Options.defaults(poolDir)).get(KvpStore.POOL_GUEST,
                "PROVISIONING_REPORT".getBytes(StandardCharsets.UTF_8)).map(v -> new String(v, StandardCharsets.UTF_8))
                .orElse(null);
    }

    @Test
    void aProvisionedVmWhoseReadyWasNotDeliveredIsReportedOnceThenLeftAlone() throws Exception {
        new StateFile(stateDir).save(new ProvisioningState(VM_ID, ProvisioningState.Status.PROVISIONED, null, "ovf-env+imds",
                "azureuser", 1, 2, List.of(), null));
        assertEquals(0, provision("yes", null), log);
        List<HealthReport> reports = emulator.healthReports();
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("Ready", reports.get(0).state());
        assertTrue(reports.get(0).agentName().startsWith("guestd/"), reports.get(0).agentName());
        String kvp = kvpReport();
        assertTrue(kvp != null && kvp.startsWith("result=success|agent=guestd/") && kvp.contains("|vm_id=" + VM_ID + "|"),
                String.valueOf(kvp));
        assertTrue(new StateFile(stateDir).load().orElseThrow().reportedReady());
        assertTrue(log.contains("azure: guestd provisions this VM ([azure] provision=yes)"), log);

        // the next boot: IMDS is asked, nothing else
        int before = emulator.requests().size();
        assertEquals(0, provision("yes", null), log);
        assertEquals(1, emulator.healthReports().size(), "no second report");
        assertEquals(before + 1, emulator.requests().size(), emulator.requests().toString());
        assertTrue(log.contains("was provisioned and reported Ready before: nothing to do"), log);
    }

    @Test
    void anUnusableOvfEnvIsReportedNotReadyAndExits1() throws Exception {
        Path ovf = Files.writeString(tmp.resolve("ovf-env.xml"), "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>");
        assertEquals(1, provision("yes", ovf.toString()), log);
        List<HealthReport> reports = emulator.healthReports();
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("NotReady", reports.get(0).state());
        assertEquals("ProvisioningFailed", reports.get(0).subStatus());
        String kvp = kvpReport();
        // the reason holds '"', so the field is CSV-quoted as cloud-init's reporter does
        assertTrue(kvp != null && kvp.startsWith("result=error|\"reason=ovf-env.xml is malformed (line 1): "),
                String.valueOf(kvp));
        assertTrue(reports.get(0).description().startsWith("ovf-env.xml is malformed"), reports.get(0).description());
        ProvisioningState s = new StateFile(stateDir).load().orElseThrow();
        assertEquals(ProvisioningState.Status.FAILED, s.status());
        assertEquals("NotReady", s.report().health());
    }

    @Test
    void offAzureNothingHappens() throws Exception {
        Files.delete(sys.resolve("class/dmi/id/chassis_asset_tag"));
        assertEquals(0, provision("auto", null), log);
        assertTrue(log.contains("azure: not an Azure VM (no Azure chassis asset tag): provisioning off"), log);
        assertEquals(List.of(), emulator.requests(), "not even IMDS is asked");
        assertFalse(Files.exists(stateDir), "no state");
        assertFalse(Files.exists(poolDir), "no KVP pool directory is created off Azure");
    }

    @Test
    void usage() throws Exception {
        Process p = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "provision", "--help")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(text.startsWith("usage: guestd provision [-c FILE]"), text);
        p = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "provision", "--bogus")
                .redirectErrorStream(true).start();
        text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("unrecognized option '--bogus'"), text);
    }
}
