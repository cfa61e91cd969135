// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Child process of {@link CrashSafetyTest}: sets keys {@code k0..k(keys-1)} round-robin to
 * self-checking values, forever, printing {@code ok KEY RUN SEQ} after each set returned.
 * Usage: {@code CrashWriter DIR RUN KEYS}.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        int keys = Integer.parseInt(args[2]);
        FileKvpStore store = new FileKvpStore(new FileKvpStore.Options(dir, 0600, 0700, false));
        for (long seq = 0; ; seq++) {
            String key = "k" + (seq % keys);
            store.set(1, key.getBytes(UTF_8), value(key, run, seq).getBytes(UTF_8));
            System.out.println("ok " + key + " " + run + " " + seq);
            System.out.flush();
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
