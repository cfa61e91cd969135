// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.guestd.core.json.JsonReader;
import org.guestd.host.qga.QgaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box soak, issue 16: mixed QGA load — pipelined guest-ping, guest-info and
 * guest-get-fsinfo with ids, over {@link #CLIENTS} clients that connect, send batches, read every
 * reply and disconnect again — for {@code -Dguestd.soak.seconds=N} (default 20; CI 90, on demand
 * 600). Every reply must be a JSON object with {@code return} and the id of its request, in request
 * order; none may be missing. After the load the agent's open file descriptors must be back to the
 * idle count, and its RSS, once it has been quiet, at most 1.3x the RSS measured after warm-up.
 */
class SoakIT {
    static final int CLIENTS = 4;
    static final int BATCH = 64;
    static final int BATCHES_PER_CONNECTION = 8;

    @TempDir
    Path state;

    static int openFds(long pid) throws IOException {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) s.count();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
        }
        throw new IOException("connection closed after " + b.size() + " bytes of a reply");
    }

    @Test
    void mixedLoadOverReconnectingClientsLosesNothingAndGivesBackItsMemoryAndFds() throws Exception {
        long seconds = Long.getLong("guestd.soak.seconds", 20);
        long warmup = Math.max(5, seconds / 6);
        String[] commands = {"guest-ping", "guest-info", "guest-get-fsinfo"};
        try (AgentProcess agent = AgentProcess.start(state, Map.of())) {
            try (QgaClient c = QgaClient.connect(agent.socket, Duration.ofSeconds(30))) {
                c.sync();
            }
            Thread.sleep(500);
            int idleFds = openFds(agent.pid());
            long idleRss = BackPressureIT.rssKb(agent.pid());

            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            AtomicLong requests = new AtomicLong();
            AtomicLong replies = new AtomicLong();
            AtomicLong connections = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                Thread th = new Thread(() -> {
                    long n = 0;
                    while (System.nanoTime() < end && failures.isEmpty()) {
                        try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(agent.socket))) {
                            connections.incrementAndGet();
                            InputStream in = new BufferedInputStream(Channels.newInputStream(s), 1 << 16);
                            for (int b = 0; b < BATCHES_PER_CONNECTION && System.nanoTime() < end; b++) {
                                StringBuilder batch = new StringBuilder();
                                long first = n;
                                for (int i = 0; i < BATCH; i++, n++) {
                                    batch.append("{\"execute\":\"").append(commands[(int) (n % commands.length)])
                                            .append("\",\"id\":\"c").append(client).append('-').append(n).append("\"}\n");
                                }
                                ByteBuffer out = ByteBuffer.wrap(batch.toString().getBytes(StandardCharsets.US_ASCII));
                                while (out.hasRemaining()) {
                                    s.write(out);
                                }
                                requests.addAndGet(BATCH);
                                for (long k = first; k < n; k++) {
                                    String line = readLine(in);
                                    Object r = JsonReader.parse(line);
                                    if (!(r instanceof Map<?, ?> m) || !m.containsKey("return")
                                            || !("c" + client + "-" + k).equals(m.get("id"))) {
                                        failures.add("client " + client + " request " + k + ": " + line);
                                        return;
                                    }
                                    replies.incrementAndGet();
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            failures.add("client " + client + ": " + e);
                            return;
                        }
                    }
                }, "soak-client-" + t);
                clients.add(th);
                th.start();
            }
            Thread.sleep(warmup * 1000);
            long warmRss = BackPressureIT.rssKb(agent.pid());
            long peakRss = warmRss;
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                peakRss = Math.max(peakRss, BackPressureIT.rssKb(agent.pid()));
            }
            for (Thread th : clients) {
                th.join(60_000);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            int fds;
            while ((fds = openFds(agent.pid())) != idleFds && System.nanoTime() < deadline) {
                Thread.sleep(100); // closed connections are reaped by the event loop
            }
            Thread.sleep(7000); // quiet: the heap relief has run (5 s after the last task)
            long afterRss = BackPressureIT.rssKb(agent.pid());
            System.out.printf("SoakIT: %d s, %d clients, %d connections, %d requests, %d replies (%.0f/s); RSS kB "
                    + "idle %d, after warm-up %d, peak %d, after %d (%.2fx warm-up); fds idle %d, after %d%n", seconds,
                    CLIENTS, connections.get(), requests.get(), replies.get(),
                    replies.get() / (double) seconds, idleRss, warmRss, peakRss, afterRss,
                    (double) afterRss / warmRss, idleFds, fds);
            assertTrue(failures.isEmpty(), failures.peek() + "; " + agent.logText());
            assertEquals(requests.get(), replies.get(), "lost replies");
            assertTrue(replies.get() > 0);
            assertEquals(idleFds, fds, "open fds after the load");
            assertTrue(afterRss <= warmRss * 13 / 10, "RSS " + afterRss + " kB > 1.3 x " + warmRss + " kB after warm-up");
            assertTrue(agent.isAlive());
        }
    }
}
