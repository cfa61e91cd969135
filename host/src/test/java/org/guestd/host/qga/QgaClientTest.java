// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.host.testing.FakeAgent;
import org.guestd.host.testing.Transcripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QgaClient against a fake agent replaying qemu-ga's real reply bytes. */
@SuppressWarnings("try") // a FakeAgent in try-with-resources just has to stay up and be closed
@Timeout(60) // hang guard only
class QgaClientTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private Path sock() {
        return dir.resolve("qga.sock");
    }

    @Test
    void syncSendsSentinelThenDelimitedRequestAndSkipsTheParseErrorLine() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa());
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            long id = c.sync();
            assertTrue(id > 0);
            List<FakeAgent.Request> reqs = agent.requests();
            assertEquals(2, reqs.size());
            assertTrue(reqs.get(0).sentinel());
            // Same bytes as transcript 01 step 2, with our id.
            String expected = new String(Transcripts.request("01", 2), StandardCharsets.UTF_8)
                    .replace("123456789", Long.toString(id));
            assertEquals(expected, reqs.get(1).text() + "\n");
            // The connection is clean afterwards: the next reply is the command's own.
            assertEquals(Map.of(), c.executeOrThrow("guest-ping").returnMap());
        }
    }

    @Test
    void syncIgnoresStaleAndGarbageRepliesUntilItsOwnId() throws Exception {
        FakeAgent.Responder r = (req, conn) -> {
            if ("guest-sync-delimited".equals(req.command())) {
                // a stale delimited reply, a stale plain reply, a garbage line after a sentinel
                conn.write("\u0000".getBytes(StandardCharsets.UTF_8));
                conn.write(new byte[] {(byte) 0xFF});
                conn.write("{\"return\": 1}\n{\"return\": {}, \"id\": 1}\n");
                conn.write(new byte[] {(byte) 0xFF});
                conn.write("not json\n");
            }
            FakeAgent.qemuGaReply(req, conn);
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            long id = c.sync();
            assertEquals(id, Long.parseLong(agent.requests().get(1).arguments().get("id").toString()));
            assertEquals("vm", c.executeOrThrow("guest-get-host-name").returnMap().get("host-name"));
        }
    }

    @Test
    void syncRequiresTheSentinel() throws Exception {
        // An agent that answers guest-sync-delimited without the 0xFF prefix is not compatible.
        FakeAgent.Responder r = (req, conn) -> {
            if ("guest-sync-delimited".equals(req.command())) {
                conn.write("{\"return\": " + req.arguments().get("id") + "}\n");
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), SHORT)) {
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, c::sync);
            assertTrue(e.getMessage().contains("guest-sync-delimited"), e.getMessage());
        }
    }

    @Test
    void syncPlainIsLibvirtStyle() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa());
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            long id = c.syncPlain();
            assertEquals(1, agent.requests().size());
            assertEquals("guest-sync", agent.requests().get(0).command());
            assertEquals(id, ((Number) agent.requests().get(0).arguments().get("id")).longValue());
        }
    }

    @Test
    void executeParsesTheRealReplyBytes() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa());
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            QgaReply r = c.execute("guest-network-get-interfaces");
            assertFalse(r.isError());
            assertFalse(r.delimited());
            assertEquals(Transcripts.replyText("11", 1).stripTrailing(), r.raw());
            List<Object> ifs = r.returnList();
            assertEquals(4, ifs.size());
            assertEquals("eth0", ((Map<?, ?>) ifs.get(3)).get("name"));
            assertEquals("{\"execute\": \"guest-network-get-interfaces\"}", agent.requests().get(0).text());
        }
    }

    @Test
    void idIsSentAndEchoed() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa());
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            QgaReply r = c.execute("guest-ping", null, "abc");
            assertEquals("abc", r.id());
            assertEquals(Transcripts.replyText("05", 2).stripTrailing(), r.raw());
            assertEquals(new String(Transcripts.request("05", 2), StandardCharsets.UTF_8),
                    agent.requests().get(0).text() + "\n");
            QgaReply e = c.execute("guest-nonexistent", null, "xyz");
            assertEquals(Transcripts.replyText("05", 4).stripTrailing(), e.raw());
            assertEquals("xyz", e.id());
            assertTrue(e.isError());
        }
    }

    @Test
    void errorReplyIsExposedAndThrownByExecuteOrThrow() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa());
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            QgaReply r = c.execute("guest-invalid-cmd");
            assertTrue(r.isError());
            assertEquals("CommandNotFound", r.errorClass());
            assertEquals("The command guest-invalid-cmd has not been found", r.errorDesc());
            assertNull(r.returnValue());
            assertFalse(r.hasId());
            QgaErrorException ex = assertThrows(QgaErrorException.class, () -> c.executeOrThrow("guest-invalid-cmd"));
            assertEquals("CommandNotFound", ex.errorClass());
            assertThrows(QgaErrorException.class, r::returnMap);
        }
    }

    @Test
    void pipelinedRepliesInOneWriteAreSeparated() throws Exception {
        byte[] reply = Transcripts.reply("23a", 1);
        FakeAgent.Responder r = (req, conn) -> {
            if (req.id() != null && ((Number) req.id()).longValue() == 2) {
                conn.write(reply); // both replies in one write, as qemu-ga's did
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            c.sendRaw(Transcripts.request("23a", 1));
            List<QgaReply> replies = c.readAvailable(SHORT);
            assertEquals(2, replies.size());
            assertEquals(1L, replies.get(0).id());
            assertEquals(Map.of(), replies.get(0).returnValue());
            assertEquals(2L, replies.get(1).returnValue());
            assertEquals(2L, replies.get(1).id());
        }
    }

    @Test
    void replySplitAcrossWritesAndStringsWithBracketsAreFramedCorrectly() throws Exception {
        String tricky = "{\"return\": {\"a\": \"x}]\\\"{[\", \"b\": [1, {\"c\": \"\\\\\"}]}}\n";
        byte[] net = Transcripts.reply("11", 1);
        FakeAgent.Responder r = (req, conn) -> {
            if ("guest-ping".equals(req.command())) {
                byte[] b = tricky.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < b.length; i += 7) {
                    conn.write(Arrays.copyOfRange(b, i, Math.min(b.length, i + 7)));
                    conn.pause(5);
                }
            } else {
                conn.write(Arrays.copyOfRange(net, 0, 100));
                conn.pause(50);
                conn.write(Arrays.copyOfRange(net, 100, 500));
                conn.pause(50);
                conn.write(Arrays.copyOfRange(net, 500, net.length));
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            Map<String, Object> m = c.executeOrThrow("guest-ping").returnMap();
            assertEquals("x}]\"{[", m.get("a"));
            assertEquals(List.of(1L, Map.of("c", "\\")), m.get("b"));
            assertEquals(4, c.executeOrThrow("guest-network-get-interfaces").returnList().size());
        }
    }

    @Test
    void backToBackRepliesWithoutNewlines() throws Exception {
        FakeAgent.Responder r = (req, conn) -> conn.write("{\"return\": 1}{\"return\": 2}\r\n{\"return\": 3}");
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            assertEquals(1L, c.execute("guest-ping").returnLong());
            assertEquals(2L, c.readReply().returnLong());
            assertEquals(3L, c.readReply().returnLong());
        }
    }

    @Test
    void garbageLineIsAProtocolErrorAndTheStreamRecovers() throws Exception {
        FakeAgent.Responder r = (req, conn) -> conn.write("hello world\n{\"return\": {}}\n");
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            QgaProtocolException e = assertThrows(QgaProtocolException.class, () -> c.execute("guest-ping"));
            assertEquals("hello world", e.received());
            assertTrue(c.readReply().returnMap().isEmpty());
        }
    }

    @Test
    void nonObjectJsonIsAProtocolError() throws Exception {
        FakeAgent.Responder r = (req, conn) -> conn.write("[1, 2]\n");
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            QgaProtocolException e = assertThrows(QgaProtocolException.class, () -> c.execute("guest-ping"));
            assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
        }
    }

    @Test
    void silentAgentTimesOutWithAClearMessage() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), (req, conn) -> { });
                QgaClient c = QgaClient.connect(sock(), SHORT)) {
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> c.execute("guest-ping"));
            assertEquals("no reply to guest-ping from agent at " + sock() + " within 0.3 s", e.getMessage());
            assertThrows(SocketTimeoutException.class, c::sync);
            assertThrows(SocketTimeoutException.class, () -> c.readReply(Duration.ofMillis(50)));
        }
    }

    @Test
    void agentClosingTheConnectionIsEof() throws Exception {
        FakeAgent.Responder r = (req, conn) -> {
            conn.write("{\"return\": ");
            conn.close();
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            EOFException e = assertThrows(EOFException.class, () -> c.execute("guest-ping"));
            assertTrue(e.getMessage().contains("in the middle of a reply"), e.getMessage());
        }
    }

    @Test
    void connectRetriesUntilTheSocketAppears() throws Exception {
        try (FakeAgent agent = FakeAgent.startLater(sock(), Duration.ofMillis(300), FakeAgent.qemuGa());
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(20))) {
            c.sync();
            assertEquals("vm", c.executeOrThrow("guest-get-host-name").returnMap().get("host-name"));
        }
    }

    @Test
    void connectGivesUpWithTheSocketInTheMessage() {
        IOException e = assertThrows(IOException.class, () -> QgaClient.connect(sock(), Duration.ofMillis(200)));
        assertTrue(e.getMessage().startsWith("cannot connect to " + sock() + " within 0.2 s: "), e.getMessage());
    }

    @Test
    void noReplyCommands() throws Exception {
        FakeAgent.Responder r = (req, conn) -> {
            if ("halt".equals(req.arguments().get("mode"))) {
                conn.write("{\"error\": {\"class\": \"GenericError\", \"desc\": \"child process has failed to shutdown\"}}\n");
            } else if ("reboot".equals(req.arguments().get("mode"))) {
                conn.close(); // the guest went down
            }
        };
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            assertEquals(Optional.empty(), c.executeNoReply("guest-shutdown", Map.of("mode", "powerdown"), SHORT));
            Optional<QgaReply> err = c.executeNoReply("guest-shutdown", Map.of("mode", "halt"), Duration.ofSeconds(10));
            assertTrue(err.isPresent());
            assertEquals("GenericError", err.get().errorClass());
            assertEquals(Optional.empty(), c.executeNoReply("guest-shutdown", Map.of("mode", "reboot"), Duration.ofSeconds(10)));
            assertEquals("{\"execute\": \"guest-shutdown\", \"arguments\": {\"mode\": \"halt\"}}",
                    agent.requests().get(1).text());
        }
    }

    @Test
    void readRawKeepsTheSentinelAndExactBytes() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa());
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            c.sendRaw(new byte[] {(byte) 0xFF});
            assertArrayEquals(Transcripts.reply("01", 1), c.readRaw(SHORT));
            c.sendRaw(Transcripts.request("01", 2));
            QgaReply r = c.readReply();
            assertTrue(r.delimited());
            assertEquals(123456789L, r.returnLong());
            c.sendRaw("{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": 5}}\n");
            byte[] raw = c.readRaw(SHORT);
            assertArrayEquals("\u00ff{\"return\": 5}\n".getBytes(StandardCharsets.ISO_8859_1), raw);
        }
    }

    @Test
    void readAvailableCollectsEveryErrorOfOneBadLine() throws Exception {
        FakeAgent.Responder r = (req, conn) -> conn.write(Transcripts.reply("20a", 1));
        try (FakeAgent agent = FakeAgent.start(sock(), r);
                QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10))) {
            c.sendRaw(Transcripts.request("20a", 1));
            List<QgaReply> replies = c.readAvailable(SHORT);
            assertEquals(2, replies.size());
            assertEquals("JSON parse error, stray '-p'", replies.get(0).errorDesc());
            assertEquals("JSON parse error, expecting value", replies.get(1).errorDesc());
            assertTrue(c.readAvailable(Duration.ofMillis(50)).isEmpty());
        }
    }

    @Test
    void closedClientRefusesToWork() throws Exception {
        try (FakeAgent agent = FakeAgent.start(sock(), FakeAgent.qemuGa())) {
            QgaClient c = QgaClient.connect(sock(), Duration.ofSeconds(10));
            c.close();
            c.close();
            IOException e = assertThrows(IOException.class, () -> c.execute("guest-ping"));
            assertEquals("QGA client is closed", e.getMessage());
        }
    }
}
