// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Side-by-side throughput and latency harness for QGA agents on a Unix socket (guestd and
 * qemu-ga in one run, so both see the same machine load). Per agent: start it with a fresh state
 * dir, wait for its socket, warm up, then in alternating rounds measure
 * <ul>
 *   <li>pipelined guest-ping: N requests written back to back by one thread while another counts
 *       the N reply lines — requests per second;</li>
 *   <li>pipelined guest-info the same way;</li>
 *   <li>guest-ping round trip: M sequential request → reply latencies, p50 and p99.</li>
 * </ul>
 * Each figure is the median over the rounds. Not a test: it prints figures and ratios for
 * BENCHMARKS.md.
 *
 * <p>Usage: {@code QgaBench [--rounds R] [--pings N] [--infos N] [--rtt M] [--warmup N]
 * --agent NAME=COMMAND ...} where COMMAND is one string split on spaces, {@code {dir}} is the
 * run's state dir and the socket must be {@code {dir}/qga.sock}. Ratios are of the first agent
 * over the second.
 */
public final class QgaBench {
    private static final byte[] PING = "{\"execute\":\"guest-ping\"}\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO = "{\"execute\":\"guest-info\"}\n".getBytes(StandardCharsets.US_ASCII);

    private QgaBench() {}

    /** One agent's figures for one round. */
    record Round(double pingPerSec, double infoPerSec, double rttP50Us, double rttP99Us) {}

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        int pings = 50_000;
        int infos = 5_000;
        int rtt = 5_000;
        int warmup = 30_000;
        Map<String, List<String>> agents = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--pings": pings = Integer.parseInt(args[++i]); break;
                case "--infos": infos = Integer.parseInt(args[++i]); break;
                case "--rtt": rtt = Integer.parseInt(args[++i]); break;
                case "--warmup": warmup = Integer.parseInt(args[++i]); break;
                case "--agent": {
                    String spec = args[++i];
                    int eq = spec.indexOf('=');
                    agents.put(spec.substring(0, eq), Arrays.asList(spec.substring(eq + 1).trim().split("\\s+")));
                    break;
                }
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (agents.isEmpty()) {
            System.err.println("usage: QgaBench [--rounds R] [--pings N] [--infos N] [--rtt M] [--warmup N]"
                    + " --agent NAME='COMMAND {dir}' ...");
            System.exit(2);
        }
        Map<String, Agent> running = new LinkedHashMap<>();
        Map<String, List<Round>> results = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<String>> e : agents.entrySet()) {
                Agent a = Agent.start(e.getValue());
                running.put(e.getKey(), a);
                results.put(e.getKey(), new ArrayList<>());
                pipelined(a.socket, PING, warmup);
                pipelined(a.socket, INFO, Math.max(1, warmup / 10));
                roundTrips(a.socket, Math.max(1, warmup / 10));
            }
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Agent> e : running.entrySet()) {
                    SocketChannel s = e.getValue().socket;
                    double ping = pipelined(s, PING, pings);
                    double info = pipelined(s, INFO, infos);
                    long[] lat = roundTrips(s, rtt);
                    Round round = new Round(ping, info, lat[lat.length / 2] / 1000.0,
                            lat[(int) (lat.length * 0.99)] / 1000.0);
                    results.get(e.getKey()).add(round);
                    System.out.printf("round %d %-8s ping %,9.0f/s  info %,8.0f/s  rtt p50 %7.1f us  p99 %7.1f us%n",
                            r + 1, e.getKey(), round.pingPerSec, round.infoPerSec, round.rttP50Us, round.rttP99Us);
                }
            }
        } finally {
            for (Agent a : running.values()) {
                a.stop();
            }
        }
        report(results);
    }

    private static void report(Map<String, List<Round>> results) {
        List<String> names = new ArrayList<>(results.keySet());
        Map<String, double[]> med = new LinkedHashMap<>();
        for (String n : names) {
            List<Round> rs = results.get(n);
            med.put(n, new double[] {
                median(rs.stream().mapToDouble(Round::pingPerSec).toArray()),
                median(rs.stream().mapToDouble(Round::infoPerSec).toArray()),
                median(rs.stream().mapToDouble(Round::rttP50Us).toArray()),
                median(rs.stream().mapToDouble(Round::rttP99Us).toArray())});
            double[] m = med.get(n);
            System.out.printf("median %-8s ping %,9.0f/s  info %,8.0f/s  rtt p50 %7.1f us  p99 %7.1f us%n",
                    n, m[0], m[1], m[2], m[3]);
        }
        if (names.size() >= 2) {
            double[] a = med.get(names.get(0));
            double[] b = med.get(names.get(1));
            System.out.printf("ratio %s/%s: ping throughput %.2fx, info throughput %.2fx, rtt p50 %.2fx, rtt p99 %.2fx%n",
                    names.get(0), names.get(1), a[0] / b[0], a[1] / b[1], a[2] / b[2], a[3] / b[3]);
        }
    }

    /** Writes {@code count} copies of {@code request} back to back; returns replies per second. */
    static double pipelined(SocketChannel s, byte[] request, int count) throws Exception {
        Throwable[] writeError = new Throwable[1];
        Thread writer = new Thread(() -> {
            try {
                int perChunk = Math.max(1, 65536 / request.length);
                ByteBuffer chunk = ByteBuffer.allocate(perChunk * request.length);
                for (int left = count; left > 0;) {
                    int n = Math.min(perChunk, left);
                    chunk.clear();
                    for (int i = 0; i < n; i++) {
                        chunk.put(request);
                    }
                    chunk.flip();
                    while (chunk.hasRemaining()) {
                        s.write(chunk);
                    }
                    left -= n;
                }
            } catch (IOException e) {
                writeError[0] = e;
            }
        }, "bench-writer");
        long t0 = System.nanoTime();
        writer.start();
        readLines(s, count);
        long t1 = System.nanoTime();
        writer.join();
        if (writeError[0] != null) {
            throw new IOException("write failed", writeError[0]);
        }
        return count / ((t1 - t0) / 1e9);
    }

    /** {@code count} sequential guest-ping round trips; returns the sorted latencies in ns. */
    static long[] roundTrips(SocketChannel s, int count) throws IOException {
        long[] lat = new long[count];
        ByteBuffer req = ByteBuffer.wrap(PING);
        for (int i = 0; i < count; i++) {
            req.rewind();
            long t0 = System.nanoTime();
            while (req.hasRemaining()) {
                s.write(req);
            }
            readLines(s, 1);
            lat[i] = System.nanoTime() - t0;
        }
        Arrays.sort(lat);
        return lat;
    }

    private static final ByteBuffer IN = ByteBuffer.allocateDirect(1 << 20);

    /** Reads until {@code lines} newline-terminated replies have arrived (replies have no inner newline). */
    private static void readLines(SocketChannel s, int lines) throws IOException {
        int seen = 0;
        while (seen < lines) {
            IN.clear();
            int n = s.read(IN);
            if (n < 0) {
                throw new IOException("agent closed the connection after " + seen + " of " + lines + " replies");
            }
            for (int i = 0; i < n; i++) {
                if (IN.get(i) == '\n') {
                    seen++;
                }
            }
        }
        if (seen != lines) {
            throw new IOException("more replies than requests: " + seen + " for " + lines);
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    /** A started agent and its connected socket. */
    private static final class Agent {
        final Process process;
        final Path dir;
        final SocketChannel socket;

        private Agent(Process process, Path dir, SocketChannel socket) {
            this.process = process;
            this.dir = dir;
            this.socket = socket;
        }

        static Agent start(List<String> template) throws Exception {
            Path dir = Files.createTempDirectory("qgabench");
            List<String> cmd = new ArrayList<>();
            for (String t : template) {
                cmd.add(t.replace("{dir}", dir.toString()));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.log").toFile()).start();
            Path sock = dir.resolve("qga.sock");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                if (Files.exists(sock)) {
                    try {
                        SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
                        s.connect(UnixDomainSocketAddress.of(sock));
                        roundTrips(s, 1);
                        return new Agent(p, dir, s);
                    } catch (IOException e) {
                        // not accepting yet
                    }
                }
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("agent did not come up: " + cmd + "; log: "
                            + Files.readString(dir.resolve("agent.log")));
                }
                Thread.sleep(5);
            }
        }

        void stop() throws Exception {
            socket.close();
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
