// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.Arrays;

/**
 * One captured output stream of a guest-exec child, capped like qemu-ga's
 * {@code GUEST_EXEC_MAX_OUTPUT} (16 MiB): bytes beyond the cap are read and dropped, and the
 * stream is marked truncated. Thread-safe.
 */
final class Capture {
    /** qemu-ga's GUEST_EXEC_MAX_OUTPUT. */
    static final int MAX_OUTPUT = 16 * 1024 * 1024;

    private final int cap;
    private byte[] data = new byte[0];
    private int length;
    private boolean truncated;
    private boolean closed;

    Capture() {
        this(MAX_OUTPUT);
    }

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

    synchronized int length() {
        return length;
    }

    synchronized byte[] bytes() {
        return Arrays.copyOf(data, length);
    }
}
