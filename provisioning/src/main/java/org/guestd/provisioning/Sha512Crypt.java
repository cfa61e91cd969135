// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * crypt(3)'s SHA-512 method ({@code $6$}, Ulrich Drepper's "Unix crypt using SHA-256 and
 * SHA-512" specification), so a password given by the platform becomes a shadow hash inside the
 * agent and is handed to {@code chpasswd -e} on its standard input: the clear text never appears in
 * a process argument, a file or a log.
 */
public final class Sha512Crypt {
    static final int DEFAULT_ROUNDS = 5000;
    private static final int MIN_ROUNDS = 1000;
    private static final int MAX_ROUNDS = 999_999_999;
    private static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int[][] ORDER = {
        {0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
        {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
        {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41},
    };

    private Sha512Crypt() {}

    /** The hash of {@code secret} with a fresh 16-character salt and the default 5000 rounds. */
    public static String hash(Secret secret, SecureRandom random) {
        StringBuilder salt = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            salt.append(ALPHABET.charAt(random.nextInt(64)));
        }
        char[] c = secret.reveal();
        try {
            return crypt(c, salt.toString(), null);
        } finally {
            Arrays.fill(c, '\0');
        }
    }

    /**
     * crypt(3) with a {@code $6$} setting.
     *
     * @param salt up to 16 characters are used
     * @param rounds null for the default (not written into the result), else clamped to
     *     1000..999999999 and written as {@code rounds=N$}
     */
    static String crypt(char[] password, String salt, Integer rounds) {
        byte[] p = utf8(password);
        byte[] s = salt.substring(0, Math.min(16, salt.length())).getBytes(StandardCharsets.UTF_8);
        int r = rounds == null ? DEFAULT_ROUNDS : Math.max(MIN_ROUNDS, Math.min(MAX_ROUNDS, rounds));
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            // B = H(P S P)
            md.update(p);
            md.update(s);
            md.update(p);
            byte[] b = md.digest();
            // A = H(P S, B repeated to |P| bytes, then per bit of |P|: B for 1, P for 0)
            md.update(p);
            md.update(s);
            repeat(md, b, p.length);
            for (int n = p.length; n > 0; n >>= 1) {
                md.update((n & 1) != 0 ? b : p);
            }
            byte[] a = md.digest();
            // DP = H(P repeated |P| times); P-sequence = DP repeated to |P| bytes
            for (int i = 0; i < p.length; i++) {
                md.update(p);
            }
            byte[] pseq = sequence(md.digest(), p.length);
            // DS = H(S repeated 16 + A[0] times); S-sequence = DS repeated to |S| bytes
            for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
                md.update(s);
            }
            byte[] sseq = sequence(md.digest(), s.length);
            byte[] c = a;
            for (int i = 0; i < r; i++) {
                md.update((i & 1) != 0 ? pseq : c);
                if (i % 3 != 0) {
                    md.update(sseq);
                }
                if (i % 7 != 0) {
                    md.update(pseq);
                }
                md.update((i & 1) != 0 ? c : pseq);
                c = md.digest();
            }
            Arrays.fill(p, (byte) 0);
            Arrays.fill(pseq, (byte) 0);
            StringBuilder out = new StringBuilder("$6$");
            if (rounds != null) {
                out.append("rounds=").append(r).append('$');
            }
            out.append(new String(s, StandardCharsets.UTF_8)).append('$');
            for (int[] o : ORDER) {
                encode(out, c[o[0]], c[o[1]], c[o[2]], 4);
            }
            encode(out, (byte) 0, (byte) 0, c[63], 2);
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 missing from the JDK", e);
        }
    }

    private static void repeat(MessageDigest md, byte[] block, int length) {
        int n = length;
        for (; n > block.length; n -= block.length) {
            md.update(block);
        }
        md.update(block, 0, n);
    }

    private static byte[] sequence(byte[] digest, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = digest[i % digest.length];
        }
        return out;
    }

    private static void encode(StringBuilder out, byte b2, byte b1, byte b0, int n) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < n; i++) {
            out.append(ALPHABET.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        if (bb.hasArray()) {
            Arrays.fill(bb.array(), (byte) 0);
        }
        return out;
    }
}
