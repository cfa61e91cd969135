// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.guestd.kvp.file.FileKvpStore;

/**
 * SET and GET operations per second on one pool holding 1,000 keys, the store alone (no device).
 * Usage: {@code KvpStoreBench DIR [fsync=true|false] [seconds]}. Each SET changes a value (a SET
 * of an unchanged value writes nothing and would be unfairly fast); GETs hit random keys.
 */
public final class KvpStoreBench {
    private KvpStoreBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        boolean fsync = args.length < 2 || Boolean.parseBoolean(args[1]);
        double seconds = args.length < 3 ? 3 : Double.parseDouble(args[2]);
        FileKvpStore store = new FileKvpStore(new FileKvpStore.Options(dir, 0600, 0700, fsync));
        store.init();
        int keys = 1000;
        for (int i = 0; i < keys; i++) {
            store.set(1, ("key-" + i).getBytes(UTF_8), ("value-" + i).getBytes(UTF_8));
        }
        Random r = new Random(1);
        for (int round = 0; round < 2; round++) { // round 0 warms up
            long n = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                store.set(1, ("key-" + r.nextInt(keys)).getBytes(UTF_8), ("v" + n + "-" + round).getBytes(UTF_8));
                n++;
            }
            double setRate = n / ((System.nanoTime() - t0) / 1e9);
            n = 0;
            end = System.nanoTime() + (long) (seconds * 1e9);
            t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                if (store.get(1, ("key-" + r.nextInt(keys)).getBytes(UTF_8)).isEmpty()) {
                    throw new IllegalStateException("missing key");
                }
                n++;
            }
            double getRate = n / ((System.nanoTime() - t0) / 1e9);
            if (round == 1) {
                System.out.printf("keys=%d fsync=%s dir=%s  SET %.0f ops/s  GET %.0f ops/s  (pool file %d bytes)%n",
                        keys, fsync, dir, setRate, getRate, Files.size(dir.resolve(".kvp_pool_1")));
            }
        }
    }
}
