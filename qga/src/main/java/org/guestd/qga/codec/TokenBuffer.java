// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.nio.charset.StandardCharsets;

/**
 * The tokens of the message being assembled, packed into one byte array: a structural token is its
 * type byte alone, a value token (number, keyword, string) is the type byte, its length as a
 * varint and its bytes. Two million one-byte tokens thus take a few MiB instead of two million
 * objects. Read back in order through {@link Cursor}.
 */
final class TokenBuffer {
    /** Room for MAX_TOKEN_SIZE bytes of token text plus per-token overhead at the token limit. */
    private static final int CAP = JsonLexer.MAX_TOKEN_SIZE + 6 * JsonStreamer.MAX_TOKEN_COUNT + 16;

    private final Bytes data = new Bytes(CAP);
    private int count;

    int count() {
        return count;
    }

    void add(int type, Bytes text) {
        data.append((byte) type);
        if (!isStructural(type)) {
            int n = text.length();
            while (n >= 0x80) {
                data.append((byte) (n | 0x80));
                n >>>= 7;
            }
            data.append((byte) n);
            data.append(text.array(), 0, text.length());
        }
        count++;
    }

    void clear() {
        data.clear();
        count = 0;
    }

    static boolean isStructural(int type) {
        return type >= JsonLexer.LCURLY && type <= JsonLexer.COMMA;
    }

    Cursor cursor() {
        return new Cursor();
    }

    /** Sequential reader; {@link #next()} moves to the following token. */
    final class Cursor {
        private int pos;
        private int type;
        private int off;
        private int len;

        boolean hasNext() {
            return pos < data.length();
        }

        /** Type of the next token without consuming it; only valid when {@link #hasNext()}. */
        int peekType() {
            return data.array()[pos];
        }

        /** Consumes the next token; its fields are then {@link #type()}, {@link #array()}…. */
        void next() {
            byte[] a = data.array();
            type = a[pos++];
            if (isStructural(type)) {
                off = pos;
                len = 0;
                return;
            }
            int n = 0;
            int shift = 0;
            int b;
            do {
                b = a[pos++] & 0xFF;
                n |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            off = pos;
            len = n;
            pos += n;
        }

        int type() {
            return type;
        }

        byte[] array() {
            return data.array();
        }

        int offset() {
            return off;
        }

        int length() {
            return len;
        }

        /** The current token's text as ASCII (numbers and keywords only hold ASCII). */
        String ascii() {
            return new String(data.array(), off, len, StandardCharsets.ISO_8859_1);
        }
    }
}
