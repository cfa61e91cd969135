// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.guestd.core.config.AgentConfig;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.qga.QgaReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Black-box: guestd's qemu-ga-compatible options, as qemu's own test-qga.c exercises them. */
class AgentOptionsIT {
    @TempDir
    Path state;

    /** test-qga /qga/blockedrpcs and transcript 28. */
    @Test
    void blockRpcsDisablesCommands() throws Exception {
        try (AgentProcess a = AgentProcess.start(state, Map.of(), "-b", "guest-ping,guest-get-time");
                QgaClient c = QgaClient.connect(a.socket, Duration.ofSeconds(30))) {
            c.sync();
            for (String cmd : List.of("guest-ping", "guest-get-time")) {
                QgaReply r = c.execute(cmd);
                assertEquals("CommandNotFound", r.errorClass());
                assertEquals("Command " + cmd + " has been disabled", r.errorDesc());
            }
            assertTrue(!c.execute("guest-get-fsinfo").isError());
            for (Object o : c.executeOrThrow("guest-info").returnMap().get("supported_commands") instanceof List<?> l ? l : List.of()) {
                Map<?, ?> m = (Map<?, ?>) o;
                boolean blocked = m.get("name").equals("guest-ping") || m.get("name").equals("guest-get-time")
                        || m.get("name").equals("guest-get-devices"); // always disabled on Linux, as qemu-ga 7.2
                assertEquals(!blocked, m.get("enabled"), m.toString());
            }
            assertEquals(0, a.terminate(), a.logText());
        }
    }

    /** test-qga /qga/allowedrpcs (qemu master). */
    @Test
    void allowRpcsDisablesEverythingElse() throws Exception {
        try (AgentProcess a = AgentProcess.start(state, Map.of(), "-a", "guest-ping,guest-get-time");
                QgaClient c = QgaClient.connect(a.socket, Duration.ofSeconds(30))) {
            // no sync handshake: guest-sync-delimited is not on the allow list (test-qga sends none either)
            assertEquals("Command guest-sync-delimited has been disabled: the command is not allowed",
                    c.execute("guest-sync-delimited", Map.of("id", 1)).errorDesc());
            assertTrue(!c.execute("guest-ping").isError());
            assertTrue(!c.execute("guest-get-time").isError());
            QgaReply r = c.execute("guest-get-fsinfo");
            assertEquals("CommandNotFound", r.errorClass());
            assertTrue(r.errorDesc().contains("has been disabled"), r.errorDesc());
            assertEquals(0, a.terminate(), a.logText());
        }
    }

    /** test-qga /qga/guest-get-osinfo with qemu's tests/data/test-qga-os-release. */
    @Test
    void osReleaseOverrideFromEnvironment() throws Exception {
        Path osr = state.resolve("test-qga-os-release");
        Files.writeString(osr, "ID=qemu-ga-test\nNAME=QEMU-GA\nPRETTY_NAME=\"QEMU Guest Agent test\"\n"
                + "VERSION=\"Test 1\"\nVERSION_ID=1\nVARIANT=\"Unit test \\\"\\'\\$\\`\\\\ and \\\\\\\\ etc.\"\n"
                + "VARIANT_ID=unit-test\n");
        try (AgentProcess a = AgentProcess.start(state, Map.of("QGA_OS_RELEASE", osr.toString()));
                QgaClient c = QgaClient.connect(a.socket, Duration.ofSeconds(30))) {
            c.sync();
            Map<String, Object> r = c.executeOrThrow("guest-get-osinfo").returnMap();
            assertEquals("qemu-ga-test", r.get("id"));
            assertEquals("QEMU-GA", r.get("name"));
            assertEquals("QEMU Guest Agent test", r.get("pretty-name"));
            assertEquals("Test 1", r.get("version"));
            assertEquals("1", r.get("version-id"));
            assertEquals("Unit test \"'$`\\ and \\\\ etc.", r.get("variant"));
            assertEquals("unit-test", r.get("variant-id"));
            assertEquals(0, a.terminate(), a.logText());
        }
    }

    /** A plain run on a machine without hypervisor channels serves QGA on STATEDIR/qga.sock. */
    @Test
    void plainRunFallsBackToUnixSocketAndSaysWhy() throws Exception {
        Path conf = Files.writeString(state.resolve("none.conf"), "");
        ProcessBuilder pb = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "-t", state.toString(),
                "-f", state.resolve("guestd.pid").toString());
        pb.environment().put("GUESTD_CONF", conf.toString());
        pb.redirectErrorStream(true).redirectOutput(state.resolve("log").toFile());
        Process p = pb.start();
        try (QgaClient c = QgaClient.connect(state.resolve("qga.sock"), Duration.ofSeconds(30))) {
            c.sync();
            assertTrue(!c.execute("guest-ping").isError());
            assertEquals(p.pid() + "\n", Files.readString(state.resolve("guestd.pid")));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
        String log = Files.readString(state.resolve("log"));
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("probed channels: virtio-serial (QEMU/KVM) /dev/virtio-ports/org.qemu.guest_agent.0"), log);
        assertTrue(log.contains("serving QGA on unix socket " + state.resolve("qga.sock")), log);
        assertTrue(!Files.exists(state.resolve("guestd.pid")), "pid file removed on exit");
    }

    /** test-qga /qga/config: QGA_CONF + -D prints the key file on stdout, nothing on stderr, exit 0. */
    @Test
    void dumpConfPrintsEffectiveConfig() throws Exception {
        Path conf = Files.writeString(state.resolve("test-qga-config"), "[general]\ndaemon=false\nmethod=virtio-serial\n"
                + "path=/path/to/org.qemu.guest_agent.0\npidfile=/var/foo/qemu-ga.pid\nstatedir=/var/state\n"
                + "verbose=true\nblock-rpcs=guest-ping;guest-get-time\n");
        ProcessBuilder pb = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "-D");
        pb.environment().remove("GUESTD_CONF");
        pb.environment().put("QGA_CONF", conf.toString());
        pb.redirectOutput(state.resolve("out").toFile()).redirectError(state.resolve("err").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals("", Files.readString(state.resolve("err")));
        AgentConfig dumped = AgentConfig.parse(Files.readString(state.resolve("out")), "dump");
        assertEquals("/path/to/org.qemu.guest_agent.0", dumped.general().getString("path", null));
        assertEquals("/var/state", dumped.general().getString("statedir", null));
        assertEquals(List.of("guest-ping", "guest-get-time"), dumped.general().getList("block-rpcs"));
        assertTrue(dumped.general().getBoolean("verbose", false));
    }

    @Test
    void versionAndBadOption() throws Exception {
        Process v = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "-V").redirectErrorStream(true).start();
        assertEquals("guestd " + Version.get(), new String(v.getInputStream().readAllBytes()).strip());
        assertEquals(0, v.waitFor());
        Process bad = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "--bogus").redirectErrorStream(true).start();
        String out = new String(bad.getInputStream().readAllBytes());
        assertEquals(1, bad.waitFor());
        assertTrue(out.contains("unrecognized option '--bogus'"), out);
        Process method = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "-m", "bogus")
                .redirectErrorStream(true).start();
        String m = new String(method.getInputStream().readAllBytes());
        assertEquals(1, method.waitFor());
        assertTrue(m.startsWith("guestd: ") && m.contains("bogus") && !m.contains("Exception"), m);
    }

    /** qemu-ga's "-b help" lists the commands and exits. */
    @Test
    void blockRpcsHelpListsCommands() throws Exception {
        Process p = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "-b", "help").start();
        List<String> names = List.of(new String(p.getInputStream().readAllBytes()).strip().split("\n"));
        assertEquals(0, p.waitFor());
        assertEquals(new TreeSet<>(QgaCommandsIT.IMPLEMENTED), new TreeSet<>(names));
    }

    /** Like qemu-ga, an unwritable log file stops the start instead of losing every line. */
    @Test
    void unwritableLogFileIsRefused() throws Exception {
        Files.writeString(state.resolve("no"), "a file, so no/such/dir cannot be created even by root");
        Process p = new ProcessBuilder(AgentProcess.REPO.resolve("bin/guestd").toString(), "-m", "unix-listen",
                "-p", state.resolve("s").toString(), "-t", state.toString(), "-l", state.resolve("no/such/dir/log").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("guestd: cannot open log file " + state.resolve("no/such/dir/log")), out);
    }
}
