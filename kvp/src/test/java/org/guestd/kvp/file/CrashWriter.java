// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Child process of {@link CrashSafetyTest}: operation {@code seq} of run {@code RUN} is on key
 * {@code k(seq % keys)}: about one in four operations on a present key deletes it (a whole-file
 * rewrite), otherwise the key is set to a self-checking value (in place when present, appended when not).
 * Prints {@code ok SEQ} after each operation returned, forever. The sequence is a function of the
 * pool's state, so the test can replay it ({@link #apply}). Usage: {@code CrashWriter DIR RUN KEYS}.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        int keys = Integer.parseInt(args[2]);
        FileKvpStore store = new FileKvpStore(new FileKvpStore.Options(dir, 0600, 0700, false));
        for (long seq = 0; ; seq++) {
            String key = key(seq, keys);
            boolean present = store.get(1, key.getBytes(UTF_8)).isPresent();
            if (deletes(run, seq, keys, present)) {
                store.delete(1, key.getBytes(UTF_8));
            } else {
                store.set(1, key.getBytes(UTF_8), value(key, run, seq).getBytes(UTF_8));
            }
            System.out.println("ok " + seq);
            System.out.flush();
        }
    }

    static String key(long seq, int keys) {
        return "k" + (seq % keys);
    }

    static boolean deletes(int run, long seq, int keys, boolean present) {
        return present && (seq / keys + run + seq % 3) % 4 == 3;
    }

    /** Operation {@code seq} applied to a model of the pool: ordered "key=value" strings. */
    static void apply(List<String> pool, int run, long seq, int keys) {
        String key = key(seq, keys);
        int at = -1;
        for (int i = 0; i < pool.size(); i++) {
            if (pool.get(i).startsWith(key + "=")) {
                at = i;
                break;
            }
        }
        if (deletes(run, seq, keys, at >= 0)) {
            pool.remove(at);
        } else if (at >= 0) {
            pool.set(at, key + "=" + value(key, run, seq));
        } else {
            pool.add(key + "=" + value(key, run, seq));
        }
    }

    /** "KEY|RUN|SEQ|padding|crc": the padding makes records span page boundaries. */
    static String value(String key, int run, long seq) {
        StringBuilder sb = new StringBuilder(key + "|" + run + "|" + seq + "|");
        while (sb.length() < 1900) {
            sb.append((char) ('a' + (sb.length() + seq) % 26));
        }
        CRC32 crc = new CRC32();
        crc.update(sb.toString().getBytes(UTF_8));
        return sb.append('|').append(Long.toHexString(crc.getValue())).toString();
    }

    /** Parses a value written by {@link #value}, or null when it is not intact. */
    static long[] check(String key, String v) {
        int bar = v.lastIndexOf('|');
        if (bar < 0) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(v.substring(0, bar).getBytes(UTF_8));
        if (!Long.toHexString(crc.getValue()).equals(v.substring(bar + 1))) {
            return null;
        }
        String[] f = v.split("\\|");
        if (!f[0].equals(key)) {
            return null;
        }
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }
}
