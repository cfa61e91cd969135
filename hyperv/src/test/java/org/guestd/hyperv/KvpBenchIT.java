// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guestd.host.bench.KvpOpsBench;
import org.guestd.host.hyperv.KvpKernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KVP SET/GET throughput at 1,000 keys in a pool, guestd vs hv_kvp_daemon on the same emulator.
 * A measurement, not a test: runs only with {@code -Dkvp.bench=true} (command in BENCHMARKS.md) and
 * asserts nothing about speed. {@code -Dkvp.bench.fsync=false} and {@code -Dkvp.bench.dir=/dev/shm}
 * put guestd's pools on the footing of the reference's (no fsync, tmpfs); the default is the agent's
 * (fsync on) in the test's temporary directory.
 */
class KvpBenchIT {
    static final int KEYS = 1000;
    static final int POOL = 1;

    @Test
    void setAndGetAtAThousandKeys(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("kvp.bench"), "a benchmark: run with -Dkvp.bench=true");
        String why = ReferenceKvpDaemon.unavailable();
        Assumptions.assumeTrue(why == null, why);
        int guestdOps = Integer.getInteger("kvp.bench.ops", 20000);
        int refOps = Integer.getInteger("kvp.bench.refops", 2000);
        StringBuilder out = new StringBuilder("KVP benchmark, " + KEYS + " keys in pool " + POOL + "\n");
        // the agent's default is fsync=true; the reference never fsyncs and keeps its pools on a tmpfs here
        boolean fsync = Boolean.parseBoolean(System.getProperty("kvp.bench.fsync", "true"));
        Path poolDir = Files.createDirectories(Path.of(System.getProperty("kvp.bench.dir", tmp.resolve("g").toString()))
                .resolve("guestd-kvp-bench-" + ProcessHandle.current().pid()));
        out.append("guestd pool dir ").append(poolDir).append(", fsync=").append(fsync).append('\n');
        double[] g;
        try (KvpSides.Guestd guestd = new KvpSides.Guestd(KvpSides.guestdStore(poolDir, fsync),
                KvpSides.guestdIntrinsics(Files.createDirectories(tmp.resolve("config"))))) {
            g = run("guestd", guestd.kernel, guestdOps, out);
        } finally {
            try (var files = Files.list(poolDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(poolDir);
        }
        try (KvpSides.Guestd echo = new KvpSides.Guestd(new KvpSides.EchoProtocol())) {
            KvpOpsBench.gets(echo.kernel, POOL, KEYS, Math.max(200, guestdOps / 10)); // warm-up
            KvpOpsBench.Result floor = KvpOpsBench.gets(echo.kernel, POOL, KEYS, guestdOps);
            out.append(String.format("%-14s %-3s %7d ops  %10.0f ops/s  %8.1f us/op  (endpoint + emulator, no work)%n",
                    "floor", "RTT", floor.ops(), floor.opsPerSecond(), floor.microsPerOp()));
        }
        double[] r;
        try (ReferenceKvpDaemon ref = ReferenceKvpDaemon.start(ReferenceKvpDaemon.buildShim(tmp), tmp.resolve("ref.log"))) {
            r = run("hv_kvp_daemon", ref.kernel(), refOps, out);
        }
        out.append(String.format("ratio guestd/hv_kvp_daemon: SET %.1fx, GET %.1fx%n", g[0] / r[0], g[1] / r[1]));
        System.out.print(out);
        assertTrue(g[0] > 0 && r[0] > 0);
    }

    private static double[] run(String who, KvpKernel k, int ops, StringBuilder out) throws Exception {
        KvpOpsBench.fill(k, POOL, KEYS);
        KvpOpsBench.sets(k, POOL, KEYS, Math.max(200, ops / 10)); // warm-up
        KvpOpsBench.gets(k, POOL, KEYS, Math.max(200, ops / 10));
        KvpOpsBench.Result set = KvpOpsBench.sets(k, POOL, KEYS, ops);
        KvpOpsBench.Result get = KvpOpsBench.gets(k, POOL, KEYS, ops);
        for (KvpOpsBench.Result res : new KvpOpsBench.Result[] {set, get}) {
            out.append(String.format("%-14s %-3s %7d ops  %10.0f ops/s  %8.1f us/op%n", who, res.op(), res.ops(),
                    res.opsPerSecond(), res.microsPerOp()));
        }
        return new double[] {set.opsPerSecond(), get.opsPerSecond()};
    }
}
