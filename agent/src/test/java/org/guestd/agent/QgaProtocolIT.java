// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.guestd.core.json.JsonReader;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.qga.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box: replays every protocol-level transcript of the real qemu-ga 7.2 (malformed input,
 * request checks, unknown commands, argument errors, id echo, pipelining, sync) against
 * {@code bin/guestd -m unix-listen} and compares each reply with qemu-ga's: same JSON structure
 * and values (member order is qemu's hash order and not compared, see qga-protocol.md A.13), same
 * 0xFF framing, same number of replies.
 */
class QgaProtocolIT {
    /** Transcripts whose replies do not depend on the machine or on commands not implemented yet. */
    static final List<String> PROTOCOL = List.of("00", "01", "02", "03", "04", "05", "19d", "20a", "20b",
            "20e", "20f", "20g", "20h", "20i", "20j", "20l", "20q", "20r", "20t", "21a", "21b", "22a", "22b",
            "22c", "23a");

    @TempDir
    static Path state;
    static AgentProcess agent;

    @BeforeAll
    static void start() throws IOException {
        agent = AgentProcess.start(state, Map.of());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        int status = agent.terminate();
        assertEquals(0, status, "guestd must exit 0 on SIGTERM; log:\n" + agent.logText());
    }

    static Path transcriptDir() {
        return AgentProcess.REPO.resolve("qga/src/test/resources/transcripts");
    }

    @TestFactory
    Stream<DynamicTest> transcriptsReplayByteForByte() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(transcriptDir())) {
            for (Path f : files.sorted().toList()) {
                String id = f.getFileName().toString().split("-")[0];
                if (PROTOCOL.contains(id)) {
                    tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> replay(Transcript.load(f))));
                }
            }
        }
        assertEquals(PROTOCOL.size(), tests.size(), "a listed transcript is missing");
        return tests.stream();
    }

    private void replay(Transcript t) throws Exception {
        assertFalse(t.steps().isEmpty(), t.name() + " parses to no step");
        try (QgaClient c = QgaClient.connect(agent.socket, Duration.ofSeconds(30))) {
            for (Transcript.Step step : t.steps()) {
                c.sendRaw(step.request());
                assertSameReplies(t.name() + " step " + step.number(), step.reply(), repliesBeforeFence(c));
            }
        }
    }

    private static long fenceId = 7_000_000;

    /**
     * Every reply to what was sent so far, with no quiet period to wait out: sends a guest-sync
     * with a fresh id as a fence and reads until its reply. Replies keep request order, so what
     * came before the fence's reply is exactly the answer to the earlier input, and an extra reply
     * (a greeting, a reply to a blank line) would be there: the order proves its absence. Every
     * step of these transcripts leaves the parser between values, so the fence parses on its own.
     */
    static byte[] repliesBeforeFence(QgaClient c) throws IOException {
        long id = ++fenceId;
        byte[] fence = ("{\"return\": " + id + "}\n").getBytes(StandardCharsets.US_ASCII);
        c.sendRaw("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": " + id + "}}\n");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // hang guard only
        while (!endsWith(got.toByteArray(), fence)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no fence reply within 30 s; got " + got + "; " + agent.logText());
            }
            got.writeBytes(c.readRaw(Duration.ofMillis(50)));
        }
        byte[] all = got.toByteArray();
        return Arrays.copyOf(all, all.length - fence.length);
    }

    private static boolean endsWith(byte[] a, byte[] suffix) {
        return a.length >= suffix.length
                && Arrays.equals(a, a.length - suffix.length, a.length, suffix, 0, suffix.length);
    }

    /**
     * Transcript 24a (nesting depth 1025) is abridged in its file; qemu-ga sent 1026 replies: the
     * nesting error, then one "expecting value" per remaining closing bracket.
     */
    @org.junit.jupiter.api.Test
    void nestingPastTheLimitGivesQemuGasReplySequence() throws Exception {
        try (QgaClient c = QgaClient.connect(agent.socket, Duration.ofSeconds(30))) {
            c.sendRaw("[".repeat(1025) + "]".repeat(1025) + "\n");
            List<String> lines = split(repliesBeforeFence(c));
            assertEquals(1026, lines.size());
            assertEquals(JsonReader.parse("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                    + "\"JSON nesting depth limit exceeded\"}}"), JsonReader.parse(lines.get(0)));
            assertEquals(JsonReader.parse("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                    + "\"JSON parse error, expecting value\"}}"), JsonReader.parse(lines.get(1025)));
            c.sendRaw("{\"execute\": \"guest-ping\"}");
            assertEquals("{\"return\": {}}\n", new String(repliesBeforeFence(c), StandardCharsets.US_ASCII));
        }
    }

    /** Same sequence of 0xFF sentinels and lines, each line the same JSON value. */
    static void assertSameReplies(String what, byte[] expected, byte[] actual) {
        List<String> e = split(expected);
        List<String> a = split(actual);
        assertEquals(e.size(), a.size(), what + ": number of replies; got " + new String(actual));
        for (int i = 0; i < e.size(); i++) {
            String x = e.get(i);
            String y = a.get(i);
            if (x.equals("\u00ff") || y.equals("\u00ff")) {
                assertEquals(x, y, what + ": 0xFF sentinel position");
            } else {
                assertEquals(JsonReader.parse(x), JsonReader.parse(y), what + ": reply " + (i + 1));
            }
        }
    }

    private static List<String> split(byte[] bytes) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (byte b : bytes) {
            if ((b & 0xFF) == 0xFF) {
                out.add("\u00ff");
            } else if (b == '\n') {
                out.add(new String(line.toString().getBytes(StandardCharsets.ISO_8859_1),
                        StandardCharsets.UTF_8));
                line.setLength(0);
            } else {
                line.append((char) (b & 0xFF));
            }
        }
        assertTrue(line.length() == 0, "every reply ends with a newline: " + line);
        return out;
    }
}
