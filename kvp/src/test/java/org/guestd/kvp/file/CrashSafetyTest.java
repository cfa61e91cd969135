// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writer process ({@link CrashWriter}: replaces in place, appends, deletes by whole-file
 * rewrite) at random points of its writes, many times. Its stdout is drained the whole time, so the
 * kill lands in the middle of operations, not while it waits on a full pipe. After every kill the
 * next access (a fresh store's init, which replays or discards the journal) must leave a pool file
 * of whole, intact records that is <em>exactly</em> the writer's state after all acknowledged
 * operations, or after one more (the one it completed without printing). A reader following the
 * locking protocol reads the pool the whole time and never sees a torn record or a duplicate key.
 * {@code -Dkvp.crash.kills=N} changes the number of kills (default 40; CI 150; 1,000 on demand,
 * about 0.6 s a kill here).
 */
class CrashSafetyTest {
    private static final int KEYS = 40;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.HOURS) // hang guard for 1,000+ kills; each writer is guarded below
    void killNineDuringWritesLeavesExactlyTheAcknowledgedOperations() throws Exception {
        int kills = Integer.getInteger("kvp.crash.kills", 40);
        Path dir = tmp.resolve("hyperv");
        new FileKvpStore(FileKvpStore.Options.defaults(dir)).init();
        Path file = dir.resolve(".kvp_pool_1");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> readerFailure = new AtomicReference<>();
        AtomicLong readerChecks = new AtomicLong();
        AtomicLong readerRecoveries = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get() && readerFailure.get() == null) {
                try {
                    PoolFile p = new PoolFile(dir.toString(), ".kvp_pool_1", 0600, false, FileKvpStore::realtimeNanos);
                    String problem = intact(p.read().entries().stream().map(e -> e.keyText() + "=" + e.valueText()).toList());
                    if (problem != null) {
                        readerFailure.set(problem);
                    }
                    readerRecoveries.addAndGet(p.writeCounts()[2]);
                    readerChecks.incrementAndGet();
                } catch (Exception e) {
                    readerFailure.set(e.toString());
                }
            }
        }, "pool-reader");
        reader.start();
        Random random = new Random(42);
        List<String> model = new ArrayList<>();
        long[] kinds = new long[3]; // replaces, appends, deletes the writers completed
        long acks = 0;
        long recoveries = 0;
        long inFlightDone = 0;
        try {
            for (int run = 0; run < kills; run++) {
                Process p = new ProcessBuilder(javaBin(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                        dir.toString(), Integer.toString(run), Integer.toString(KEYS))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                int want = 1 + random.nextInt(150);
                CountDownLatch enough = new CountDownLatch(want);
                AtomicLong lastAck = new AtomicLong(-1);
                Thread drain = new Thread(() -> drain(p, lastAck, enough), "writer-stdout");
                drain.start();
                assertTrue(enough.await(60, TimeUnit.SECONDS), "writer " + run + ": too few acknowledgements in 60 s");
                Thread.sleep(random.nextInt(4)); // and a little more, so the kill lands anywhere
                new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor(); // SIGKILL by PID
                p.waitFor();
                drain.join();
                long acked = lastAck.get() + 1;
                assertTrue(acked >= want, "writer ended early");

                FileKvpStore next = new FileKvpStore(FileKvpStore.Options.defaults(dir));
                next.init(); // the next access: replays or discards the journal under the lock
                recoveries += next.pool(1).writeCounts()[2];
                byte[] bytes = Files.readAllBytes(file);
                assertEquals(0, bytes.length % PoolSnapshot.RECORD, "after kill " + run + ": whole records");
                List<String> actual = new ArrayList<>();
                for (var e : PoolSnapshot.parse(bytes).entries()) {
                    actual.add(e.keyText() + "=" + e.valueText());
                }
                assertEquals(null, intact(actual), "after kill " + run);

                List<String> sim = new ArrayList<>(model);
                for (long seq = 0; seq < acked; seq++) {
                    count(sim, run, seq, kinds);
                    CrashWriter.apply(sim, run, seq, KEYS);
                }
                if (!sim.equals(actual)) { // the operation in flight may have completed, unacknowledged
                    count(sim, run, acked, kinds);
                    CrashWriter.apply(sim, run, acked, KEYS);
                    inFlightDone++;
                }
                assertEquals(sim, actual, "after kill " + run + " (" + acked + " operations acknowledged): "
                        + "the pool is not the state after exactly the acknowledged operations (+1)");
                model = actual;
                acks += acked;
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertEquals(null, readerFailure.get());
        assertTrue(readerChecks.get() > 0);
        assertTrue(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0, "replaces, appends and deletes all ran");
        System.out.printf("crash test: %d kills, %d acknowledged operations (%d replaces, %d appends, %d deletes), "
                + "%d kills after an unacknowledged completed operation, %d torn records repaired at the next "
                + "access + %d by the concurrent reader, %d concurrent locked reads%n", kills, acks, kinds[0],
                kinds[1], kinds[2], inFlightDone, recoveries, readerRecoveries.get(), readerChecks.get());
    }

    private static void drain(Process p, AtomicLong lastAck, CountDownLatch enough) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.matches("ok \\d+")) {
                    lastAck.set(Long.parseLong(line.substring(3)));
                    enough.countDown();
                }
            }
        } catch (IOException e) {
            // the writer is gone
        } finally {
            while (enough.getCount() > 0) {
                enough.countDown(); // never leave the test waiting on a writer that died early
            }
        }
    }

    private static void count(List<String> pool, int run, long seq, long[] kinds) {
        String key = CrashWriter.key(seq, KEYS);
        boolean present = pool.stream().anyMatch(r -> r.startsWith(key + "="));
        kinds[CrashWriter.deletes(run, seq, KEYS, present) ? 2 : present ? 0 : 1]++;
    }

    /** Null when every record is intact and no key appears twice. */
    static String intact(List<String> records) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            String r = records.get(i);
            int eq = r.indexOf('=');
            String key = r.substring(0, eq);
            if (CrashWriter.check(key, r.substring(eq + 1)) == null) {
                return "record " + i + " (" + key + ") is torn";
            }
            if (!seen.add(key)) {
                return "duplicate key " + key;
            }
        }
        return null;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
