// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.util.Arrays;

/**
 * A growable byte array with a hard capacity cap, used for the lexer's current token and the
 * streamer's pending message. {@link #clear()} gives large arrays back, so an idle connection holds
 * only a small buffer however big its last message was.
 */
final class Bytes {
    private static final int INITIAL = 64;
    private static final int KEEP = 64 * 1024;

    private final int cap;
    private byte[] buf = new byte[INITIAL];
    private int len;

    /** @param cap the most bytes this buffer may ever hold (callers enforce their limits below it) */
    Bytes(int cap) {
        this.cap = cap;
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    void append(byte b) {
        if (len == buf.length) {
            grow(len + 1);
        }
        buf[len++] = b;
    }

    void append(byte[] src, int off, int n) {
        if (len + n > buf.length) {
            grow(len + n);
        }
        System.arraycopy(src, off, buf, len, n);
        len += n;
    }

    private void grow(int needed) {
        if (needed > cap || needed < 0) {
            throw new IllegalStateException("buffer limit " + cap + " exceeded");
        }
        long want = Math.max((long) buf.length * 2, needed);
        buf = Arrays.copyOf(buf, (int) Math.min(want, cap));
    }

    void clear() {
        len = 0;
        if (buf.length > KEEP) {
            buf = new byte[INITIAL];
        }
    }
}
