// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box, issue 16: a host that writes requests and reads no replies. 400,000 bytes of {@code ]}
 * (each one an 82-byte error reply, 32.8 MB of replies in all) with a {@code guest-ping} carrying
 * its own id after every 1,000 of them. Before input back-pressure the agent read everything and
 * queued every reply: 54 MB → 290 MB resident, kept afterwards. Now it must stop reading: the
 * host's writes block, the agent stays under 1.5× its idle RSS while nobody reads, every reply
 * arrives in order once the host reads, and the RSS is back near idle afterwards.
 */
@Timeout(180) // hang guard only
class BackPressureIT {
    private static final byte[] ERROR = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}\n"
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path state;

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(96);
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                break;
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void aHostThatDoesNotReadIsHeldAtAFewMegabytesAndGetsEveryReplyInOrderWhenItDoes() throws Exception {
        int groups = 400;
        int perGroup = 1000;
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < groups; i++) {
            flood.writeBytes("]".repeat(perGroup).getBytes(StandardCharsets.US_ASCII));
            flood.writeBytes(("{\"execute\":\"guest-ping\",\"id\":" + i + "}").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] data = flood.toByteArray();

        try (AgentProcess agent = AgentProcess.start(state, Map.of());
                SocketChannel s = connect(agent)) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(s), 1 << 16);
            s.write(ByteBuffer.wrap("{\"execute\":\"guest-ping\"}\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("{\"return\": {}}\n", readLine(in), agent.logText());
            Thread.sleep(2000); // settle: this is the idle figure the issue compares with
            long idle = rssKb(agent.pid());

            AtomicBoolean written = new AtomicBoolean();
            AtomicReference<Throwable> writeFailed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    ByteBuffer out = ByteBuffer.wrap(data);
                    while (out.hasRemaining()) {
                        s.write(out); // blocks once the agent stops reading
                    }
                    written.set(true);
                } catch (IOException e) {
                    writeFailed.set(e);
                }
            }, "flood-writer");
            writer.start();

            long peak = 0;
            for (int i = 0; i < 25; i++) { // 5 s of not reading
                Thread.sleep(200);
                peak = Math.max(peak, rssKb(agent.pid()));
            }
            boolean blocked = !written.get();
            long heldAt = rssKb(agent.pid());

            for (int g = 0; g < groups; g++) {
                for (int k = 0; k < perGroup; k++) {
                    String line = readLine(in);
                    if (!line.equals(new String(ERROR, StandardCharsets.US_ASCII))) {
                        throw new AssertionError("reply " + (g * (perGroup + 1) + k) + " is " + line + "; "
                                + agent.logText());
                    }
                }
                assertEquals("{\"return\": {}, \"id\": " + g + "}\n", readLine(in), "ping " + g);
            }
            writer.join(30_000);
            assertTrue(written.get(), "the host's writes completed once it read: " + writeFailed.get());
            Thread.sleep(3000);
            long after = rssKb(agent.pid());
            System.out.printf("BackPressureIT: idle %d kB, peak while not reading %d kB (%.2fx), held at %d kB, "
                    + "after %d kB (%.2fx); host writes blocked: %s%n", idle, peak, (double) peak / idle, heldAt,
                    after, (double) after / idle, blocked);

            assertTrue(blocked, "the agent read all 400,000 bytes without a reply read: no back-pressure");
            assertTrue(peak <= idle * 3 / 2, "peak RSS " + peak + " kB > 1.5 x idle " + idle + " kB");
            assertTrue(after <= idle * 5 / 4, "RSS after " + after + " kB > 1.25 x idle " + idle + " kB");
            assertFalse(agent.logText().contains("dropping further writes"), agent.logText());
        }
    }

    /**
     * A 32 MiB request grows the heap (the agent went from 57 to 189 MB resident and stayed there);
     * once the agent is quiet its heap relief gives the memory back: within 20 s RSS is back under
     * 1.25x idle.
     */
    @Test
    void memoryGoesBackAfterALargeRequest() throws Exception {
        try (AgentProcess agent = AgentProcess.start(state, Map.of());
                SocketChannel s = connect(agent)) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(s), 1 << 16);
            s.write(ByteBuffer.wrap("{\"execute\":\"guest-ping\"}\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("{\"return\": {}}\n", readLine(in), agent.logText());
            Thread.sleep(2000);
            long idle = rssKb(agent.pid());
            byte[] big = ("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": 1, \"x\": \"" + "A".repeat(32 << 20)
                    + "\"}}\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.wrap(big);
            while (out.hasRemaining()) {
                s.write(out);
            }
            assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'x' is unexpected\"}}\n",
                    readLine(in));
            long burst = rssKb(agent.pid());
            long deadline = System.nanoTime() + 20_000_000_000L;
            long after;
            while ((after = rssKb(agent.pid())) > idle * 5 / 4 && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            System.out.printf("BackPressureIT: idle %d kB, after a 32 MiB request %d kB, then %d kB (%.2fx)%n", idle,
                    burst, after, (double) after / idle);
            assertTrue(burst > idle * 3 / 2, "the request did not grow the heap: the test proves nothing");
            assertTrue(after <= idle * 5 / 4, "RSS " + after + " kB 20 s after the burst; idle " + idle + " kB");
        }
    }

    private static SocketChannel connect(AgentProcess agent) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return SocketChannel.open(UnixDomainSocketAddress.of(agent.socket));
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no socket: " + agent.logText(), e);
                }
                Thread.sleep(20);
            }
        }
    }
}
