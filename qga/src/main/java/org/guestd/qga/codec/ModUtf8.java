// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.io.ByteArrayOutputStream;

/**
 * QEMU's "modified UTF-8" rules ({@code util/unicode.c}): the decoder that qemu-ga's JSON parser
 * applies to string contents and that its JSON writer applies to every string it prints. Bytes
 * that do not decode become U+FFFD on output; {@code C0 80} is the code point U+0000.
 */
public final class ModUtf8 {
    private static final int[] MIN_CP = {0x80, 0x800, 0x10000, 0x200000, 0x4000000};

    private ModUtf8() {}

    /** qemu's {@code is_valid_codepoint}: in range, not a noncharacter, not a surrogate. */
    public static boolean isValidCodepoint(int cp) {
        if (cp < 0 || cp > 0x10FFFF) {
            return false;
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return false;
        }
        return cp < 0xD800 || cp > 0xDFFF;
    }

    /**
     * Decodes one code point at {@code pos} like qemu's {@code mod_utf8_codepoint(s, 6, &end)};
     * bytes at or after {@code limit} read as NUL.
     *
     * @param end receives in {@code end[0]} the index after the bytes consumed
     * @return the code point, or -1 for an invalid sequence
     */
    public static int codepoint(byte[] s, int pos, int limit, int[] end) {
        if (pos >= limit || s[pos] == 0) {
            end[0] = pos;
            return -1;
        }
        int p = pos;
        int b = s[p++] & 0xFF;
        int cp;
        if (b < 0x80) {
            cp = b;
        } else if (b >= 0xFE) {
            cp = -1; // impossible bytes 0xFE, 0xFF
        } else if ((b & 0x40) == 0) {
            cp = -1; // unexpected continuation byte
        } else {
            int len = 0;
            int mask = 0x80;
            while ((b & mask) != 0) {
                len++;
                mask >>= 1;
            }
            cp = b & (mask - 1);
            for (int i = 1; i < len; i++) {
                int c = p < limit ? s[p] & 0xFF : 0;
                if ((c & 0xC0) != 0x80) {
                    end[0] = p; // continuation byte missing
                    return -1;
                }
                p++;
                cp = (cp << 6) | (c & 0x3F);
            }
            if (!isValidCodepoint(cp)) {
                cp = -1;
            } else if (cp < MIN_CP[len - 2] && !(cp == 0 && len == 2)) {
                cp = -1; // overlong, other than C0 80
            }
        }
        end[0] = p;
        return cp;
    }

    /**
     * The text a C string made of {@code s[off, off+len)} shows once qemu prints it: cut at the first
     * NUL byte (as {@code %s} does), every invalid sequence replaced by U+FFFD.
     */
    public static String cString(byte[] s, int off, int len) {
        int limit = off + len;
        for (int i = off; i < limit; i++) {
            if (s[i] == 0) {
                limit = i;
                break;
            }
        }
        StringBuilder sb = new StringBuilder(limit - off);
        int[] end = new int[1];
        int p = off;
        while (p < limit) {
            int cp = codepoint(s, p, limit, end);
            sb.appendCodePoint(cp < 0 ? 0xFFFD : cp);
            p = end[0];
        }
        return sb.toString();
    }

    /** Encodes a Java string as qemu stores it: U+0000 as {@code C0 80}, the rest as UTF-8. */
    public static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp > 0 && cp <= 0x7F) {
                out.write(cp);
            } else if (cp <= 0x7FF) {
                out.write(0xC0 | (cp >> 6));
                out.write(0x80 | (cp & 0x3F));
            } else if (cp <= 0xFFFF) {
                out.write(0xE0 | (cp >> 12));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            } else {
                out.write(0xF0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3F));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
            }
        }
        return out.toByteArray();
    }
}
