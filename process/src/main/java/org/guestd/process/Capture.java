// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import java.util.Arrays;

/**
 * One captured output stream of a child, capped at the runner's output limit: bytes beyond the
 * cap are read and dropped, and the stream is marked truncated. Thread-safe.
 */
final class Capture {
    private final int cap;
    private byte[] data = new byte[0];
    private int length;
    private boolean truncated;
    private boolean closed;

    Capture(int cap) {
        this.cap = cap;
    }

    synchronized void append(byte[] buf, int n) {
        int keep = Math.min(n, cap - length);
        if (keep < n) {
            truncated = true;
        }
        if (keep > 0) {
            if (length + keep > data.length) {
                data = Arrays.copyOf(data, Math.min(cap, Math.max(length + keep, data.length * 2)));
            }
            System.arraycopy(buf, 0, data, length, keep);
            length += keep;
        }
    }

    synchronized void close() {
        closed = true;
    }

    synchronized boolean closed() {
        return closed;
    }

    synchronized boolean truncated() {
        return truncated;
    }

    /** What was captured, as the status reports it. */
    synchronized ProcessStatus.Output output() {
        return new ProcessStatus.Output(Arrays.copyOf(data, length), truncated);
    }
}
