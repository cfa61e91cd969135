// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian integers and NUL-terminated byte strings inside fixed-size message buffers, the
 * way the hv_utils structs hold them (x86-64/arm64 guests are little-endian; the structs are packed).
 */
public final class Wire {
    private Wire() {}

    /** The u32 at {@code off}. */
    public static int u32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** The u64 at {@code off}. */
    public static long u64(byte[] b, int off) {
        return (u32(b, off) & 0xffffffffL) | ((long) u32(b, off + 4)) << 32;
    }

    /** Stores a u32 at {@code off}. */
    public static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** Stores a u64 at {@code off}. */
    public static void putU64(byte[] b, int off, long v) {
        putU32(b, off, (int) v);
        putU32(b, off + 4, (int) (v >>> 32));
    }

    /** The bytes of the field {@code [off, off+max)} before the first NUL (all of them if none). */
    public static byte[] cBytes(byte[] b, int off, int max) {
        int end = off;
        int limit = Math.min(b.length, off + max);
        while (end < limit && b[end] != 0) {
            end++;
        }
        byte[] out = new byte[end - off];
        System.arraycopy(b, off, out, 0, out.length);
        return out;
    }

    /** The field as UTF-8 text (malformed sequences replaced). */
    public static String cString(byte[] b, int off, int max) {
        return new String(cBytes(b, off, max), StandardCharsets.UTF_8);
    }

    /**
     * Zeroes the field {@code [off, off+size)} and stores {@code value} NUL-terminated in it, cut to
     * {@code size - 1} bytes (at a UTF-8 character boundary, so the kernel's UTF-8 to UTF-16
     * conversion never sees half a character).
     *
     * @return the number of value bytes stored
     */
    public static int putCString(byte[] b, int off, int size, byte[] value) {
        Arrays.fill(b, off, off + size, (byte) 0);
        int n = Math.min(value.length, size - 1);
        if (n < value.length) {
            while (n > 0 && (value[n] & 0xc0) == 0x80) { // value[n] continues a character: cut before it
                n--;
            }
        }
        System.arraycopy(value, 0, b, off, n);
        return n;
    }

    /** {@link #putCString(byte[], int, int, byte[])} of UTF-8 text. */
    public static int putCString(byte[] b, int off, int size, String value) {
        return putCString(b, off, size, value.getBytes(StandardCharsets.UTF_8));
    }
}
