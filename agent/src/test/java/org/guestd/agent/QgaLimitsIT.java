// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.guestd.host.qga.QgaReply;
import org.guestd.host.qga.Transcript;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Black-box: qemu-ga's input limits hold with the launcher's real JVM flags (heap, thread
 * stacks): the largest token and the deepest nesting qemu-ga accepts are handled, the ones past its
 * limits get its error sequence, and the agent keeps answering afterwards.
 */
class QgaLimitsIT extends LiveAgentBase {
    /** The largest inputs take longer than the default 30 s answer timeout allows. */
    @BeforeAll
    static void longerTimeout() {
        client.timeout(Duration.ofSeconds(60));
    }

    private static byte[] expected(String transcript) throws IOException {
        return Transcript.load(QgaProtocolIT.transcriptDir().resolve(transcript)).step(1).reply();
    }

    private static void assertStillServing() throws IOException {
        assertEquals(7L, client.executeOrThrow("guest-sync", Map.of("id", 7)).returnLong(), agent.logText());
    }

    /** Transcript 24c: one string token of 64 MiB + 16 bytes. */
    @Test
    void tokenOfMoreThan64MiB() throws Exception {
        StringBuilder sb = new StringBuilder(67_108_960);
        sb.append("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": 1, \"x\": \"");
        sb.append("A".repeat((64 << 20) + 16)).append("\"}}\n");
        client.sendRaw(sb.toString().getBytes(StandardCharsets.US_ASCII));
        QgaProtocolIT.assertSameReplies("24c", expected("24c-token-size-limit-64MiB.txt"),
                client.readRaw(Duration.ofSeconds(3)));
        assertStillServing();
    }

    /** Transcript 24d: 2^20 + 1 array elements, one token past MAX_TOKEN_COUNT. */
    @Test
    void tokenCountPastTheLimit() throws Exception {
        client.sendRaw(("[" + "1,".repeat(1 << 20) + "1]\n").getBytes(StandardCharsets.US_ASCII));
        QgaProtocolIT.assertSameReplies("24d", expected("24d-token-count-limit-2Mi.txt"),
                client.readRaw(Duration.ofSeconds(3)));
        assertStillServing();
    }

    /** A 20 MiB string where an integer is expected: the argument error, not an out-of-memory. */
    @Test
    void twentyMegabyteArgument() throws Exception {
        QgaReply r = client.execute("guest-sync", Map.of("id", "B".repeat(20 << 20)));
        assertEquals("Invalid parameter type for 'id', expected: integer", r.errorDesc(), agent.logText());
        assertStillServing();
    }

    /** An id nested 1000 deep (qemu-ga accepts up to 1024) is echoed back whole. */
    @Test
    void deeplyNestedIdIsEchoed() throws Exception {
        String id = "[".repeat(1000) + "]".repeat(1000);
        client.sendRaw("{\"execute\": \"guest-ping\", \"id\": " + id + "}\n");
        String reply = new String(client.readRaw(Duration.ofSeconds(2)), StandardCharsets.UTF_8);
        assertEquals("{\"return\": {}, \"id\": " + id + "}\n", reply, agent.logText());
        assertTrue(agent.isAlive());
        assertStillServing();
    }

    /**
     * A host that pipelines faster than it reads: 8,000 guest-info requests (about 27 MiB of replies,
     * more than a link's 16 MiB write queue) written before a single reply is read. Every reply
     * must arrive — the agent holds replies back while the peer is not reading instead of dropping
     * them at the queue's cap.
     */
    @Test
    void aPeerThatReadsLateLosesNoReplies() throws Exception {
        int n = 8000;
        byte[] one = "{\"execute\":\"guest-info\"}\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[one.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        try (java.nio.channels.SocketChannel s = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(agent.socket))) {
            java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(all);
            while (out.hasRemaining()) {
                s.write(out); // nothing is read until every request is written
            }
            Thread.sleep(500); // let the agent run into its write queue while nobody reads
            java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(1 << 20);
            int lines = 0;
            long bytes = 0;
            // hang guard only: a lost reply would leave read() blocked; closing the channel ends it
            Thread guard = new Thread(() -> {
                try {
                    Thread.sleep(Duration.ofSeconds(120).toMillis());
                    s.close();
                } catch (InterruptedException | IOException ignored) {
                    // done in time
                }
            });
            guard.setDaemon(true);
            guard.start();
            try {
                while (lines < n) {
                    in.clear();
                    int r = s.read(in);
                    if (r < 0) {
                        break;
                    }
                    bytes += r;
                    for (int i = 0; i < r; i++) {
                        if (in.get(i) == '\n') {
                            lines++;
                        }
                    }
                }
            } catch (java.nio.channels.AsynchronousCloseException e) {
                // the guard fired: fewer replies than requests
            } finally {
                guard.interrupt();
            }
            assertEquals(n, lines, "replies received (" + bytes + " bytes); " + agent.logText());
            assertTrue(bytes > 16L << 20, "the replies exceed the 16 MiB write queue: " + bytes);
        }
        assertStillServing();
    }
}
