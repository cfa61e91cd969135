// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits the agent's output byte stream into replies, incrementally (each byte is scanned once, so
 * a 64 MiB {@code guest-file-read} reply arriving in small chunks costs linear time).
 *
 * <p>A reply is one balanced JSON value (brackets counted outside strings, escapes honoured), the
 * same rule QEMU's JSON streamer uses; qemu-ga additionally ends every reply with {@code \n}, which
 * is treated as white space. Between replies the framer skips white space and the 0xFF sentinel
 * (remembering that the next reply was {@linkplain Frame#delimited() delimited}). Any other byte
 * there starts a "garbage" frame that runs to the end of its line, so a misbehaving peer produces
 * one clear error per line instead of a stuck stream.
 */
final class ReplyFramer {
    /** Largest frame accepted: a 48 MiB file read is 64 MiB of base64 plus the envelope. */
    static final int MAX_FRAME = 96 << 20;
    /** Blank bytes between replies kept for {@link #drain()}; a longer run is dropped. */
    private static final int BLANK_RUN_KEPT = 65536;

    /** One complete unit of output. {@code object} is false for a garbage line. */
    record Frame(byte[] bytes, boolean object, boolean delimited) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private byte[] buf = new byte[8192];
    private int start;       // first byte not yet returned or discarded (skipped blanks and sentinels stay)
    private int end;         // one past the last byte received
    private int scan;        // next byte to scan, start <= scan <= end
    private int frameStart = -1;
    private boolean garbage;
    private int depth;
    private boolean inString;
    private boolean escape;
    private boolean sentinelSeen;
    private boolean eatNewline;  // the line end of the reply just returned is not yet consumed

    /** Appends received bytes. */
    void append(byte[] src, int off, int len) {
        if (end + len > buf.length) {
            compact();
            if (end + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
            }
        }
        System.arraycopy(src, off, buf, end, len);
        end += len;
    }

    /** Returns the next complete frame, or null when more input is needed. */
    Frame next() throws QgaProtocolException {
        while (scan < end) {
            byte b = buf[scan];
            if (frameStart < 0) {
                if (eatNewline) {
                    eatNewline = false;
                    if (b == '\n' && start == scan) {
                        start = ++scan;
                        continue;
                    }
                }
                if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                    scan++;
                    if (scan - start > BLANK_RUN_KEPT && !sentinelSeen) {
                        start = scan; // an endless blank run must not grow the buffer forever
                    }
                    continue;
                }
                if (b == (byte) 0xFF) {
                    sentinelSeen = true;
                    scan++;
                    continue;
                }
                frameStart = scan;
                garbage = b != '{' && b != '[';
                depth = 0;
                inString = false;
                escape = false;
            }
            scan++;
            boolean done = garbage ? b == '\n' : scanJsonByte(b);
            if (done) {
                return take(scan);
            }
            if (scan - frameStart > MAX_FRAME) {
                discardAll();
                throw new QgaProtocolException("reply larger than " + (MAX_FRAME >> 20)
                        + " MiB; input discarded");
            }
        }
        return null;
    }

    /** Advances the JSON scanner by one byte; true when the value just closed. */
    private boolean scanJsonByte(byte b) {
        if (inString) {
            if (escape) {
                escape = false;
            } else if (b == '\\') {
                escape = true;
            } else if (b == '"') {
                inString = false;
            }
            return false;
        }
        switch (b) {
            case '"':
                inString = true;
                return false;
            case '{':
            case '[':
                depth++;
                return false;
            case '}':
            case ']':
                return --depth == 0;
            default:
                return false;
        }
    }

    private Frame take(int stop) {
        int from = frameStart;
        int to = stop;
        if (garbage) {
            while (to > from && (buf[to - 1] == '\n' || buf[to - 1] == '\r')) {
                to--;
            }
        }
        Frame f = new Frame(Arrays.copyOfRange(buf, from, to), !garbage, sentinelSeen);
        sentinelSeen = false;
        frameStart = -1;
        start = stop;
        eatNewline = !garbage;
        return f;
    }

    /**
     * Discards input up to and including the next 0xFF byte (the guest-sync-delimited sentinel),
     * abandoning any partly scanned frame. Returns false, with everything discarded, when no
     * sentinel is buffered yet.
     */
    boolean skipToSentinel() {
        if (frameStart < 0 && sentinelSeen) {
            return true;
        }
        for (int i = start; i < end; i++) {
            if (buf[i] == (byte) 0xFF) {
                start = i;
                scan = i + 1;
                frameStart = -1;
                sentinelSeen = true;
                return true;
            }
        }
        discardAll();
        return false;
    }

    /** Returns every buffered, not yet returned byte (sentinels included), and resets the scanner. */
    byte[] drain() {
        if (eatNewline && frameStart < 0 && start < end && buf[start] == '\n') {
            start++;
        }
        byte[] out = Arrays.copyOfRange(buf, start, end);
        discardAll();
        return out;
    }

    /** True while part of a reply (or sentinel) is buffered without being complete. */
    boolean hasPartial() {
        return frameStart >= 0 || sentinelSeen;
    }

    private void discardAll() {
        start = end = scan = 0;
        frameStart = -1;
        sentinelSeen = false;
        eatNewline = false;
    }

    private void compact() {
        int keepFrom = start;
        if (keepFrom == 0) {
            return;
        }
        System.arraycopy(buf, keepFrom, buf, 0, end - keepFrom);
        end -= keepFrom;
        scan -= keepFrom;
        start -= keepFrom;
        if (frameStart >= 0) {
            frameStart -= keepFrom;
        }
    }
}
