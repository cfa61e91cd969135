// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guestd.host.testing.FakeAgent;
import org.guestd.host.testing.Transcripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** qgactl run in-process against the fake agent. */
@SuppressWarnings("try") // a FakeAgent in try-with-resources just has to stay up and be closed
@Timeout(60) // hang guard only
class QgaCtlTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;

    private Path sock() {
        return dir.resolve("qga.sock");
    }

    private CliRun qgactl(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-s";
        full[1] = sock().toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return CliRun.run(NO_ENV, full);
    }

    @Test
    void helpAndUsageErrors() {
        CliRun help = CliRun.run(NO_ENV, "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("Usage: qgactl [-s|--socket PATH] [--json] [--timeout SECONDS] [--no-sync] COMMAND [ARGS]\n"));
        assertEquals(help.out(), CliRun.run(NO_ENV, "help").out());

        CliRun none = CliRun.run(NO_ENV);
        assertEquals(2, none.code());
        assertEquals("qgactl: no command given\nTry 'qgactl --help'.\n", none.err());
        assertEquals(2, CliRun.run(NO_ENV, "--bogus", "guest-ping").code());
        assertEquals(2, CliRun.run(NO_ENV, "guest-ping", "{\"id\": ").code());
        assertEquals(2, CliRun.run(NO_ENV, "guest-ping", "novalue").code());
        assertEquals(2, CliRun.run(NO_ENV, "--timeout", "0", "guest-ping").code());
        assertEquals(2, CliRun.run(NO_ENV, "--timeout").code());
        assertEquals(2, CliRun.run(NO_ENV, "info", "x=1").code());
    }

    @Test
    void connectionFailureIsExit3() {
        CliRun r = qgactl("--timeout", "0.2", "guest-ping");
        assertEquals(3, r.code());
        assertTrue(r.err().startsWith("qgactl: cannot connect to " + sock() + " within 0.2 s"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void socketFromEnvironment() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = CliRun.run(Map.of("QGACTL_SOCKET", sock().toString()), "guest-get-host-name");
            assertEquals(0, r.code(), r.err());
            assertEquals("host-name: vm\n", r.out());
        }
    }

    @Test
    void syncsFirstThenRunsTheCommand() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = qgactl("guest-ping");
            assertEquals(0, r.code(), r.err());
            assertEquals("ok\n", r.out());
            List<FakeAgent.Request> reqs = agent.requests();
            assertEquals(3, reqs.size());
            assertTrue(reqs.get(0).sentinel());
            assertEquals("guest-sync-delimited", reqs.get(1).command());
            assertEquals("{\"execute\": \"guest-ping\"}", reqs.get(2).text());
        }
    }

    @Test
    void noSyncSendsOnlyTheCommand() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = qgactl("--no-sync", "--json", "guest-get-timezone");
            assertEquals(0, r.code(), r.err());
            assertEquals("{\"zone\": \"UTC\", \"offset\": 0}\n", r.out());
            assertEquals(1, agent.requests().size());
        }
    }

    @Test
    void keyValueAndJsonArgumentsReachTheAgentAsJson() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            qgactl("--no-sync", "guest-exec", "path=/bin/echo", "arg=[\"hi\", \"x\"]", "capture-output=true", "n=5",
                    "s=hello world", "e=");
            qgactl("--no-sync", "guest-exec-status", "{\"pid\": 1234}");
            List<FakeAgent.Request> reqs = agent.requests();
            assertEquals("{\"execute\": \"guest-exec\", \"arguments\": {\"path\": \"/bin/echo\", \"arg\": [\"hi\", \"x\"], "
                    + "\"capture-output\": true, \"n\": 5, \"s\": \"hello world\", \"e\": \"\"}}", reqs.get(0).text());
            assertEquals("{\"execute\": \"guest-exec-status\", \"arguments\": {\"pid\": 1234}}", reqs.get(1).text());
        }
    }

    @Test
    void guestExecRoundTripIsByteExactWithTheRealTranscript() throws Exception {
        FakeAgent.Responder r = (req, conn) -> {
            if ("guest-exec".equals(req.command())) {
                conn.write(Transcripts.reply("26a", 1));
            } else if ("guest-exec-status".equals(req.command())) {
                conn.write(Transcripts.reply("26a", 2));
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r)) {
            CliRun exec = qgactl("--no-sync", "guest-exec", "path=/bin/echo", "arg=[\"hi\"]", "capture-output=true");
            assertEquals("pid: 19141\n", exec.out());
            CliRun status = qgactl("--no-sync", "guest-exec-status", "{\"pid\": 19141}");
            assertEquals("exitcode: 0\nout-data: aGkK\nout-truncated: false\nexited: true\n", status.out());
            assertArrayEquals(Transcripts.request("26a", 1), (agent.requests().get(0).text() + "\n").getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(Transcripts.request("26a", 2), (agent.requests().get(1).text() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void errorReplyIsExit1OnStderr() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = qgactl("guest-invalid-cmd");
            assertEquals(1, r.code());
            assertEquals("error: CommandNotFound: The command guest-invalid-cmd has not been found\n", r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void silentAgentIsExit3() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), (req, conn) -> { })) {
            CliRun r = qgactl("--timeout", "0.3", "guest-ping");
            assertEquals(3, r.code());
            assertTrue(r.err().startsWith("qgactl: no guest-sync-delimited reply with id "), r.err());
        }
    }

    @Test
    void noReplyCommandSuccessAndFailure() throws Exception {
        FakeAgent.Responder r = (req, conn) -> {
            if ("guest-shutdown".equals(req.command()) && "bogus".equals(req.arguments().get("mode"))) {
                conn.write("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'mode' does not accept value 'bogus'\"}}\n");
            } else {
                FakeAgent.qemuGaReply(req, conn);
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r)) {
            CliRun ok = qgactl("--timeout", "0.3", "guest-shutdown", "mode=halt");
            assertEquals(0, ok.code(), ok.err());
            assertEquals("ok\n", ok.out());
            CliRun bad = qgactl("guest-shutdown", "mode=bogus");
            assertEquals(1, bad.code());
            assertEquals("error: GenericError: Parameter 'mode' does not accept value 'bogus'\n", bad.err());
        }
    }

    @Test
    void readableRenderingOfInterfacesMatchesGolden() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = qgactl("guest-network-get-interfaces");
            assertEquals(0, r.code(), r.err());
            assertEquals(CliRun.golden("guest-network-get-interfaces.txt"), r.out());
        }
    }

    @Test
    void listShowsEnabledCommandsSorted() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = qgactl("list");
            assertEquals(0, r.code(), r.err());
            List<String> names = r.out().lines().toList();
            assertEquals(41, names.size());
            assertFalse(names.contains("guest-get-devices"));
            assertEquals("guest-exec", names.get(0));
            assertEquals("guest-sync-delimited", names.get(40));
            CliRun json = qgactl("--json", "list");
            assertTrue(json.out().startsWith("[\"guest-exec\", \"guest-exec-status\", "), json.out());
        }
    }

    @Test
    void infoMatchesGolden() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = qgactl("info");
            assertEquals(0, r.code(), r.err());
            assertEquals(CliRun.golden("info.txt"), r.out());
            assertEquals("", r.err());
        }
    }

    @Test
    void infoShowsAFailingCommandInItsSectionOnly() throws Exception {
        FakeAgent.Responder r = (req, conn) -> {
            if ("guest-get-host-name".equals(req.command())) {
                conn.write("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command guest-get-host-name has been disabled\"}}\n");
            } else if ("guest-get-fsinfo".equals(req.command())) {
                conn.write("{\"error\": {\"class\": \"GenericError\", \"desc\": \"boom\"}}\n");
            } else {
                FakeAgent.qemuGaReply(req, conn);
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r)) {
            CliRun run = qgactl("info");
            assertEquals(0, run.code(), run.err());
            String expected = CliRun.golden("info.txt")
                    .replace("Host name:   vm\n", "Host name:   error: CommandNotFound: Command guest-get-host-name has been disabled\n")
                    .replaceAll("(?s)Filesystems:\n.*", "Filesystems: error: GenericError: boom\n");
            assertEquals(expected, run.out());
        }
    }

    @Test
    void infoStopsCleanlyWhenTheAgentStopsAnswering() throws Exception {
        FakeAgent.Responder r = (req, conn) -> {
            if (!"guest-get-timezone".equals(req.command()) && !agentHung[0]) {
                FakeAgent.qemuGaReply(req, conn);
            } else {
                agentHung[0] = true;
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r)) {
            CliRun run = qgactl("--timeout", "0.3", "info");
            assertEquals(3, run.code());
            assertTrue(run.out().contains("Host name:   vm\n"), run.out());
            assertTrue(run.out().contains("Time zone:   error: ClientError: no reply to guest-get-timezone"), run.out());
            assertTrue(run.out().contains("vCPUs:       error: NotRun: agent not responding\n"), run.out());
            assertTrue(run.err().startsWith("qgactl: no guest-sync-delimited reply"), run.err());
        }
    }

    private final boolean[] agentHung = {false};

    @Test
    void infoAsJson() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            CliRun r = qgactl("--json", "info");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("{\"guest-info\": {\"version\": \"7.2.22\", "), r.out());
            assertTrue(r.out().contains("\"guest-get-host-name\": {\"host-name\": \"vm\"}, "), r.out());
            assertTrue(r.out().endsWith("\"type\": \"ext4\"}]}\n"), r.out());
        }
    }
}
