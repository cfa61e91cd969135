// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.util;

/**
 * The few {@code sscanf(3)} conversions qemu-ga uses on procfs tables, mount tables and sysfs
 * paths: {@code %u}/{@code %d}/{@code %lu} ({@link #dec}), {@code %x} ({@link #hex}; both skip
 * leading white space and take an optional sign, {@code %x} an optional {@code 0x}), {@code %s}
 * ({@link #word}, {@link #token}), white space in the format ({@link #ws}: zero or more spaces)
 * and literal characters. Values are returned as {@code long} (C's unsigned long bits); the
 * narrowing of a 32-bit destination is {@link #u32}/{@link #s32}. {@code pos} plays {@code %n}.
 */
public final class CScan {
    public final String s;
    public int pos;

    public CScan(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** A space in the format: skips any amount of white space. */
    public void ws() {
        while (pos < s.length() && isSpace(s.charAt(pos))) {
            pos++;
        }
    }

    /** True when only white space is left: a conversion here would make sscanf return EOF. */
    public boolean atEnd() {
        int p = pos;
        while (p < s.length() && isSpace(s.charAt(p))) {
            p++;
        }
        return p >= s.length();
    }

    public boolean lit(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** {@code %s} (assigned or not): true when at least one character was taken. */
    public boolean word() {
        return token(Integer.MAX_VALUE) != null;
    }

    /** {@code %<width>s}: at most {@code width} non-space characters, or null when there are none. */
    public String token(int width) {
        ws();
        int start = pos;
        while (pos < s.length() && pos - start < width && !isSpace(s.charAt(pos))) {
            pos++;
        }
        return pos > start ? s.substring(start, pos) : null;
    }

    /** {@code %u}, {@code %d}, {@code %lu}: a decimal number, or null (nothing consumed). */
    public Long dec() {
        return number(10);
    }

    /** {@code %x}: a hexadecimal number, or null (nothing consumed). */
    public Long hex() {
        return number(16);
    }

    /** The value an {@code unsigned int} destination keeps. */
    public static long u32(long v) {
        return v & 0xffffffffL;
    }

    /** The value an {@code int} destination keeps. */
    public static long s32(long v) {
        return (int) v;
    }

    private Long number(int radix) {
        int save = pos;
        ws();
        boolean neg = false;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
            neg = s.charAt(pos) == '-';
            pos++;
        }
        if (radix == 16 && pos + 2 < s.length() + 0 && s.charAt(pos) == '0'
                && (s.charAt(pos + 1) == 'x' || s.charAt(pos + 1) == 'X')
                && Character.digit(s.charAt(pos + 2), 16) >= 0) {
            pos += 2;
        }
        int start = pos;
        long v = 0;
        while (pos < s.length() && Character.digit(s.charAt(pos), radix) >= 0 && s.charAt(pos) < 128) {
            v = v * radix + Character.digit(s.charAt(pos), radix);
            pos++;
        }
        if (pos == start) {
            pos = save;
            return null;
        }
        return neg ? -v : v;
    }
}
