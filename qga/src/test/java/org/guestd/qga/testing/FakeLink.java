// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.guestd.transport.Link;

/** An in-memory {@link Link} that records everything written to it. */
public final class FakeLink implements Link {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final String name;
    private volatile boolean open = true;

    public FakeLink(String name) {
        this.name = name;
    }

    @Override
    public synchronized void write(ByteBuffer data) {
        if (!open) {
            return;
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        written.write(b, 0, b.length);
        notifyAll();
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String describe() {
        return "fake:" + name;
    }

    /** Everything written so far. */
    public synchronized byte[] bytes() {
        return written.toByteArray();
    }

    /** Returns and forgets everything written so far. */
    public synchronized byte[] take() {
        byte[] b = written.toByteArray();
        written.reset();
        return b;
    }

    /** Waits (hang guard: {@code millis}) until at least {@code n} reply lines were written. */
    public synchronized String awaitLines(int n, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (countLines() < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("only " + countLines() + " of " + n + " replies arrived: " + text());
            }
            wait(left);
        }
        return text();
    }

    private int countLines() {
        int c = 0;
        for (byte b : written.toByteArray()) {
            if (b == '\n') {
                c++;
            }
        }
        return c;
    }

    private String text() {
        return new String(written.toByteArray(), StandardCharsets.ISO_8859_1);
    }
}
