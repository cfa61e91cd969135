// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.guestd.host.qga.QgaClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark harness (not a test; skipped unless {@code -Dguestd.freezebench=N}): the freeze window
 * of two loop filesystems (ext4 + xfs) as a host sees it, from sending guest-fsfreeze-freeze-list
 * to receiving the guest-fsfreeze-thaw reply, N times; idle filesystems, then with 8 MiB of dirty
 * page cache on each (written without fsync just before the freeze, so FIFREEZE must flush it).
 * Results go to stdout and {@code agent/target/freeze-window.txt}. Run:
 * {@code mvn -B -o -pl agent failsafe:integration-test -Dit.test=FreezeWindowBenchIT -Dguestd.freezebench=30}
 */
class FreezeWindowBenchIT {
    @TempDir
    Path tmp;

    @Test
    void freezeWindow() throws Exception {
        int n = Integer.getInteger("guestd.freezebench", 0);
        Assumptions.assumeTrue(n > 0, "benchmark: run with -Dguestd.freezebench=N");
        String why = LoopNamespace.unavailable();
        Assumptions.assumeTrue(why == null, why);
        StringBuilder out = new StringBuilder();
        try (LoopNamespace ns = LoopNamespace.start(tmp, List.of("ext4", "xfs"), "");
                QgaClient c = QgaClient.connect(ns.socket, Duration.ofSeconds(60))) {
            c.sync();
            List<String> mps = List.of(ns.mountpoint("ext4"), ns.mountpoint("xfs"));
            for (boolean dirty : new boolean[] {false, true}) {
                List<Long> window = new ArrayList<>();
                List<Long> freeze = new ArrayList<>();
                for (int i = 0; i < n + 3; i++) {
                    if (dirty) {
                        for (String fs : List.of("ext4", "xfs")) {
                            Process w = new ProcessBuilder("nsenter", "-t", Long.toString(ns.agentPid()), "-m", "--",
                                    "dd", "if=/dev/urandom", "of=" + ns.mountpoint(fs) + "/dirty", "bs=1M", "count=8",
                                    "status=none").start();
                            assertEquals(0, w.waitFor());
                        }
                    }
                    long t0 = System.nanoTime();
                    assertEquals(2, c.executeOrThrow("guest-fsfreeze-freeze-list", Map.of("mountpoints", mps))
                            .returnLong());
                    long t1 = System.nanoTime();
                    assertEquals(2, c.executeOrThrow("guest-fsfreeze-thaw").returnLong());
                    long t2 = System.nanoTime();
                    if (i >= 3) { // warm-up
                        window.add((t2 - t0) / 1000);
                        freeze.add((t1 - t0) / 1000);
                    }
                }
                out.append(String.format("%s: freeze call -> thaw done (us): %s; freeze call alone: %s%n",
                        dirty ? "8 MiB dirty per fs" : "idle", stats(window), stats(freeze)));
            }
        }
        System.out.print(out);
        Files.writeString(AgentProcess.REPO.resolve("agent/target/freeze-window.txt"), out);
    }

    private static String stats(List<Long> us) {
        List<Long> s = new ArrayList<>(us);
        Collections.sort(s);
        return String.format("n=%d min=%d p50=%d p90=%d max=%d", s.size(), s.get(0), s.get(s.size() / 2),
                s.get((int) Math.min(s.size() - 1, Math.round(s.size() * 0.9))), s.get(s.size() - 1));
    }
}
