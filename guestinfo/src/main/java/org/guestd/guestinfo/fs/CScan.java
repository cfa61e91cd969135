// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

/**
 * The few {@code sscanf(3)} conversions qemu-ga uses on mount tables and sysfs paths: {@code %u},
 * {@code %x} (both skip leading white space and take an optional sign; {@code %x} an optional
 * {@code 0x}), {@code %s} (a run of non-space), white space in the format (zero or more spaces)
 * and literal characters. Values are returned as {@code long}; {@code pos} plays {@code %n}.
 */
final class CScan {
    final String s;
    int pos;

    CScan(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** A space in the format: skips any amount of white space. */
    void ws() {
        while (pos < s.length() && isSpace(s.charAt(pos))) {
            pos++;
        }
    }

    boolean lit(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** {@code %s} (assigned or not): true when at least one character was taken. */
    boolean word() {
        ws();
        int start = pos;
        while (pos < s.length() && !isSpace(s.charAt(pos))) {
            pos++;
        }
        return pos > start;
    }

    Long dec() {
        return number(10);
    }

    Long hex() {
        return number(16);
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
