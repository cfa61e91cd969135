// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writer process at random points of its writes, many times: after every kill the
 * pool file is a whole number of intact records, and every acknowledged set is there (the same or
 * a later value). A reader polls the file by name the whole time and never sees anything else.
 * {@code -Dkvp.crash.kills=N} changes the number of kills (default 40).
 */
class CrashSafetyTest {
    private static final int KEYS = 40;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void killNineDuringWritesNeverLosesOrTearsARecord() throws Exception {
        int kills = Integer.getInteger("kvp.crash.kills", 40);
        Path dir = tmp.resolve("hyperv");
        new FileKvpStore(FileKvpStore.Options.defaults(dir)).init();
        Path file = dir.resolve(".kvp_pool_1");
        Map<String, long[]> acked = new HashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> readerFailure = new AtomicReference<>();
        AtomicLong readerChecks = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get() && readerFailure.get() == null) {
                try {
                    String problem = verify(Files.readAllBytes(file), null);
                    if (problem != null) {
                        readerFailure.set(problem);
                    }
                    readerChecks.incrementAndGet();
                } catch (NoSuchFileException e) {
                    readerFailure.set("pool file missing during a write");
                } catch (Exception e) {
                    readerFailure.set(e.toString());
                }
            }
        }, "pool-reader");
        reader.start();
        Random random = new Random(42);
        long acks = 0;
        try {
            for (int run = 0; run < kills; run++) {
                Process p = new ProcessBuilder(javaBin(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                        dir.toString(), Integer.toString(run), Integer.toString(KEYS))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
                int want = 1 + random.nextInt(60);
                for (int i = 0; i < want; i++) {
                    String line = out.readLine();
                    assertNotNull(line, "writer ended early");
                    String[] f = line.split(" ");
                    acked.put(f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                    acks++;
                }
                // SIGKILL by PID while the writer is in the middle of its next sets
                new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
                p.waitFor();
                String problem = verify(Files.readAllBytes(file), acked);
                assertEquals(null, problem, "after kill " + run);
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertEquals(null, readerFailure.get());
        assertTrue(readerChecks.get() > 0);
        assertTrue(acks >= kills);
        System.out.printf("crash test: %d kills, %d acknowledged sets, %d concurrent file checks%n",
                kills, acks, readerChecks.get());
    }

    /** Null when the file is whole and every record intact and not older than acknowledged. */
    static String verify(byte[] file, Map<String, long[]> acked) {
        if (file.length % PoolSnapshot.RECORD != 0) {
            return "file of " + file.length + " bytes is not a whole number of records";
        }
        PoolSnapshot s = PoolSnapshot.parse(file);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            String key = s.entry(i).keyText();
            long[] v = CrashWriter.check(key, s.entry(i).valueText());
            if (v == null) {
                return "record " + i + " (" + key + ") is torn";
            }
            if (seen.contains(key)) {
                return "duplicate key " + key;
            }
            seen.add(key);
            long[] a = acked == null ? null : acked.get(key);
            if (a != null && (v[0] < a[0] || (v[0] == a[0] && v[1] < a[1]))) {
                return "acknowledged set of " + key + " lost: file has " + v[0] + "/" + v[1] + ", acked "
                        + a[0] + "/" + a[1];
            }
        }
        if (acked != null) {
            for (String k : acked.keySet()) {
                if (!seen.contains(k)) {
                    return "acknowledged key " + k + " lost";
                }
            }
        }
        return null;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
