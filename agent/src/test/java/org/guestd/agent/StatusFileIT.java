// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.guestd.core.json.JsonReader;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.ChannelState;
import org.guestd.core.status.StatusJson;
import org.guestd.host.qga.QgaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box: the built agent keeps {@code <statedir>/status.json} (0644) up to date, and the built
 * {@code bin/guestctl status} reads it — also as an unprivileged user — and sees the agent stop.
 */
class StatusFileIT {
    static final Duration WAIT = Duration.ofSeconds(60); // hang guard only

    @TempDir
    Path state;

    /** Waits until the status file exists and satisfies {@code until}; the 60 s bound is a hang guard. */
    AgentStatus await(AgentProcess a, Predicate<AgentStatus> until) throws Exception {
        Path f = state.resolve("status.json");
        long end = System.nanoTime() + WAIT.toNanos();
        AgentStatus last = null;
        while (System.nanoTime() < end) {
            if (Files.exists(f)) {
                last = StatusJson.read(Files.readString(f));
                if (until.test(last)) {
                    return last;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("status.json never got there; last: " + last + "\n" + a.logText());
    }

    record Run(int rc, String out) {}

    Run guestctl(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(AgentProcess.REPO.resolve("bin/guestctl").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void keptUpToDateAndReadByGuestctl() throws Exception {
        // 0755 like the unit's RuntimeDirectory, so that another user can reach the 0644 file
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (AgentProcess a = AgentProcess.start(state, Map.of())) {
            AgentStatus s = await(a, x -> !x.channels().isEmpty());
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    state.resolve("status.json"))));
            assertEquals(a.pid(), s.agent().pid());
            assertTrue(s.agent().running());
            assertEquals(state.resolve("none.conf").toString(), s.agent().configFile());
            ChannelState qga = s.channels().get(0).state();
            assertEquals(ChannelState.open("qga", "unix-listen:" + a.socket, qga.sessions(), "qga"), qga);
            assertEquals(List.of("qga", "kvp", "vss", "fcopy", "xen"),
                    s.channels().stream().map(c -> c.state().name()).toList());
            ChannelState xen = s.channels().get(4).state();
            assertEquals(ChannelState.State.OFF, xen.state(), "this machine is no Xen guest");
            assertTrue(xen.reason().contains("xenbus"), xen.reason());
            assertEquals("off", s.clock().mode(), "the test agents never heal this machine's clock");
            assertTrue(s.commands().enabled().contains("guest-ping"));

            try (QgaClient c = QgaClient.connect(a.socket, Duration.ofSeconds(30))) {
                c.sync(); // the first contact and the new session: written about a second later, not 30 s
                s = await(a, x -> x.channels().get(0).lastContact() != null && x.channels().get(0).state().sessions() == 1);
                assertEquals("sync", s.channels().get(0).lastContact().kind());
                assertNull(s.channels().get(1).lastContact());

                Run r = guestctl(List.of(), "status", "--json", "--state-dir", state.toString());
                assertEquals(0, r.rc(), r.out());
                Map<?, ?> m = (Map<?, ?>) JsonReader.parse(r.out());
                assertEquals(true, m.get("alive"));
                assertEquals(a.pid(), ((Map<?, ?>) m.get("agent")).get("pid"));

                if (Files.isExecutable(Path.of("/usr/bin/setpriv")) && "root".equals(System.getProperty("user.name"))) {
                    r = guestctl(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                            "status", "--state-dir", state.toString());
                    assertEquals(0, r.rc(), "as nobody: " + r.out());
                    assertTrue(r.out().contains("qga    open  unix-listen:" + a.socket + ", 1 session; last host"
                            + " contact"), r.out());
                }
            }
            assertEquals(0, a.terminate(), a.logText());
            s = StatusJson.read(Files.readString(state.resolve("status.json")));
            assertFalse(s.agent().running(), "the last status says the agent stopped");
            Run r = guestctl(List.of(), "status", "--state-dir", state.toString());
            assertEquals(1, r.rc(), r.out());
            assertTrue(r.out().contains("is not running: stopped"), r.out());
            assertFalse(Files.exists(state.resolve(".status.json.tmp")));
        }
    }
}
