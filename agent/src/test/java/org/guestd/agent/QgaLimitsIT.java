// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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

    private static long fenceId = 424242;

    /**
     * Every reply to what was sent so far, without waiting for a quiet period: sends 0xFF and a
     * guest-sync-delimited as a fence (qemu-ga's documented resynchronisation) and reads until the
     * fence's reply; replies keep request order, so what came before the fence's two replies (the
     * stray-0xFF error and the sync) is exactly the answer to the earlier input.
     */
    private static byte[] repliesBeforeFence() throws IOException {
        long id = ++fenceId;
        byte[] stray = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\uFFFD'\"}}\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] fence = ("\u00ff{\"return\": " + id + "}\n").getBytes(StandardCharsets.ISO_8859_1);
        client.sendRaw(new byte[] {(byte) 0xFF});
        client.sendRaw("{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": " + id + "}}\n");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!endsWith(got.toByteArray(), fence)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no fence reply within 60 s; got " + got.size() + " bytes; " + agent.logText());
            }
            got.writeBytes(client.readRaw(Duration.ofMillis(50)));
        }
        byte[] all = got.toByteArray();
        int end = all.length - fence.length;
        if (endsWith(Arrays.copyOf(all, end), stray)) {
            end -= stray.length;
        }
        return Arrays.copyOf(all, end);
    }

    private static boolean endsWith(byte[] a, byte[] suffix) {
        return a.length >= suffix.length
                && Arrays.equals(a, a.length - suffix.length, a.length, suffix, 0, suffix.length);
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
        QgaProtocolIT.assertSameReplies("24c", expected("24c-token-size-limit-64MiB.txt"), repliesBeforeFence());
        assertStillServing();
    }

    /** Transcript 24d: 2^20 + 1 array elements, one token past MAX_TOKEN_COUNT. */
    @Test
    void tokenCountPastTheLimit() throws Exception {
        client.sendRaw(("[" + "1,".repeat(1 << 20) + "1]\n").getBytes(StandardCharsets.US_ASCII));
        QgaProtocolIT.assertSameReplies("24d", expected("24d-token-count-limit-2Mi.txt"), repliesBeforeFence());
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
        String reply = new String(repliesBeforeFence(), StandardCharsets.UTF_8);
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
        try (SocketChannel s = SocketChannel.open(
                UnixDomainSocketAddress.of(agent.socket))) {
            ByteBuffer out = ByteBuffer.wrap(all);
            while (out.hasRemaining()) {
                s.write(out); // nothing is read until every request is written
            }
            Thread.sleep(500); // let the agent run into its write queue while nobody reads
            ByteBuffer in = ByteBuffer.allocate(1 << 20);
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
            } catch (AsynchronousCloseException e) {
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
