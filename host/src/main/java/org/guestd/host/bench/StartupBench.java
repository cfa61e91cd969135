// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.guestd.host.qga.QgaClient;

/**
 * Start-up and idle-footprint harness for a QGA agent on a Unix socket (guestd or qemu-ga):
 * per run, a fresh state dir, the agent started as given, the socket polled every 2 ms, then
 * 0xFF + guest-sync-delimited + guest-ping. It reports time from process start to the ping reply,
 * then, after an idle wait, the RSS ({@code VmRSS}) and the context switches of all the agent's
 * threads over an idle window (wake-ups per second), and finally the SIGTERM exit status.
 *
 * <p>Usage: {@code StartupBench [--runs N] [--idle SECONDS] [--window SECONDS] -- COMMAND...}
 * where {@code {dir}} in COMMAND is replaced by the run's state dir and the socket is
 * {@code {dir}/qga.sock}. Not a test: it prints figures for BENCHMARKS.md.
 */
public final class StartupBench {
    private StartupBench() {}

    record Run(double firstReplyMs, long rssKb, double wakeupsPerSec, int exitStatus, double stopMs) {}

    public static void main(String[] args) throws Exception {
        int runs = 5;
        double idle = 10;
        double window = 10;
        int i = 0;
        for (; i < args.length && !args[i].equals("--"); i++) {
            switch (args[i]) {
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--idle": idle = Double.parseDouble(args[++i]); break;
                case "--window": window = Double.parseDouble(args[++i]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> command = Arrays.asList(args).subList(Math.min(i + 1, args.length), args.length);
        if (command.isEmpty()) {
            System.err.println("usage: StartupBench [--runs N] [--idle S] [--window S] -- COMMAND... ({dir} = state dir)");
            System.exit(2);
        }
        List<Run> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            Run run = once(command, idle, window);
            results.add(run);
            System.out.printf("run %d: first reply %.1f ms, idle RSS %.1f MB, %.2f wake-ups/s, SIGTERM -> exit %d in %.1f ms%n",
                    r + 1, run.firstReplyMs, run.rssKb / 1024.0, run.wakeupsPerSec, run.exitStatus, run.stopMs);
        }
        System.out.printf("median of %d: first reply %.1f ms, idle RSS %.1f MB, %.2f wake-ups/s, stop %.1f ms%n", runs,
                median(results.stream().map(Run::firstReplyMs).toList()),
                median(results.stream().map(x -> x.rssKb / 1024.0).toList()),
                median(results.stream().map(Run::wakeupsPerSec).toList()),
                median(results.stream().map(Run::stopMs).toList()));
    }

    static Run once(List<String> template, double idleSeconds, double windowSeconds) throws Exception {
        Path dir = Files.createTempDirectory("startbench");
        List<String> cmd = template.stream().map(s -> s.replace("{dir}", dir.toString())).toList();
        Path sock = dir.resolve("qga.sock");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            QgaClient c = null;
            while (c == null) {
                if (!p.isAlive()) {
                    throw new IOException("agent exited early: " + Files.readString(dir.resolve("agent.log")));
                }
                if (Files.exists(sock)) {
                    try {
                        c = QgaClient.connect(sock, Duration.ZERO).timeout(Duration.ofSeconds(10));
                    } catch (IOException notYet) {
                        c = null;
                    }
                }
                if (c == null) {
                    Thread.sleep(2);
                }
            }
            try (QgaClient client = c) {
                client.sync();
                client.executeOrThrow("guest-ping");
                double firstMs = (System.nanoTime() - t0) / 1e6;
                Thread.sleep((long) (idleSeconds * 1000));
                long rss = rssKb(p.pid());
                long sw0 = contextSwitches(p.pid());
                Thread.sleep((long) (windowSeconds * 1000));
                long sw1 = contextSwitches(p.pid());
                client.executeOrThrow("guest-ping"); // still alive and answering
                long stop0 = System.nanoTime();
                p.destroy();
                int status = p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
                double stopMs = (System.nanoTime() - stop0) / 1e6;
                return new Run(firstMs, rss, (sw1 - sw0) / windowSeconds, status, stopMs);
            }
        } finally {
            p.destroyForcibly();
            p.waitFor();
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Voluntary + involuntary context switches summed over every thread of {@code pid}. */
    static long contextSwitches(long pid) throws IOException {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.contains("ctxt_switches:")) {
                            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (IOException threadGone) {
                    // a thread that exited between list and read
                }
            }
        }
        return total;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
