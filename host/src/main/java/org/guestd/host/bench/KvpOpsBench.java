// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.bench;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.host.hyperv.KvpKernel;
import org.guestd.host.hyperv.KvpMessages;
import org.guestd.host.hyperv.KvpReply;

/**
 * KVP throughput as the host sees it through the kernel emulator: one request at a time (the real
 * driver has one transaction outstanding), each reply checked. Measures SET (overwriting existing
 * keys, round robin) and GET at a given pool size, for whatever daemon is registered on the
 * {@link KvpKernel}: guestd or hv_kvp_daemon.
 */
public final class KvpOpsBench {
    private static final AtomicInteger CALLS = new AtomicInteger();

    private KvpOpsBench() {}

    /** {@code ops} requests of one kind in {@code nanos}. */
    public record Result(String op, int ops, long nanos) {
        public double opsPerSecond() {
            return ops * 1e9 / nanos;
        }

        public double microsPerOp() {
            return nanos / 1e3 / ops;
        }
    }

    /** Fills {@code pool} with keys {@code key-0 … key-(n-1)} (values of 64 bytes). */
    public static Result fill(KvpKernel k, int pool, int keys) throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < keys; i++) {
            check(k.request(KvpMessages.set(pool, key(i), value(i, 0))), "fill");
        }
        return new Result("fill", keys, System.nanoTime() - t0);
    }

    /**
     * {@code ops} SETs overwriting the existing keys round robin, each with a value different from
     * the key's previous one (a daemon may skip writing an unchanged value: guestd does).
     */
    public static Result sets(KvpKernel k, int pool, int keys, int ops) throws IOException {
        int round = 1 + 2 * CALLS.getAndIncrement(); // values no earlier call (or fill) used
        byte[][][] msgs = new byte[2][keys][];
        for (int i = 0; i < keys; i++) {
            msgs[0][i] = KvpMessages.set(pool, key(i), value(i, round));
            msgs[1][i] = KvpMessages.set(pool, key(i), value(i, round + 1));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            // 7919 is prime to the key count used, so every key is visited once per `keys` SETs
            check(k.request(msgs[(i / keys) % 2][(i * 7919) % keys]), "SET");
        }
        return new Result("SET", ops, System.nanoTime() - t0);
    }

    /** {@code ops} GETs of existing keys. */
    public static Result gets(KvpKernel k, int pool, int keys, int ops) throws IOException {
        byte[][] msgs = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            msgs[i] = KvpMessages.get(pool, key(i));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            check(k.request(msgs[(i * 7919) % keys]), "GET");
        }
        return new Result("GET", ops, System.nanoTime() - t0);
    }

    private static String key(int i) {
        return "bench-key-" + i;
    }

    private static String value(int i, int round) {
        return String.format("value-%06d-%d-%s", i, round, "x".repeat(48));
    }

    private static void check(KvpReply r, String what) throws IOException {
        if (!r.ok()) {
            throw new IOException(what + " failed: " + r);
        }
    }
}
