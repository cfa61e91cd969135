// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory {@link Link} for executor tests: records each write as text, with a settable
 * {@link #pendingWriteBytes} (or, with a cap, one that grows with every write until the test
 * "reads"), counts closes and how often the pending bytes were asked for.
 */
final class MemoryLink implements Link {
    static final long GUARD_MILLIS = 15_000;

    private final String name;
    private final long cap;
    private final List<String> written = new ArrayList<>(); // guarded by this
    private final List<String> dropped = new ArrayList<>(); // guarded by this
    private long pending; // guarded by this
    private volatile boolean open = true;
    private volatile Consumer<String> onWrite = s -> {};
    private volatile boolean reading = true;
    final AtomicInteger pauses = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger pendingAsked = new AtomicInteger();

    /** A link whose pending bytes only change when the test sets them. */
    MemoryLink(String name) {
        this(name, -1);
    }

    /**
     * @param cap when not negative: every write adds its size to the pending bytes, and a write
     *     that would take them over {@code cap} is dropped, as the real link's queue cap does
     */
    MemoryLink(String name, long cap) {
        this.name = name;
        this.cap = cap;
    }

    /** Runs {@code hook} on the writing thread after each write is recorded (inside {@link #write}). */
    void onWrite(Consumer<String> hook) {
        onWrite = hook;
    }

    @Override
    public void write(ByteBuffer data) {
        if (!open) {
            return;
        }
        String s = StandardCharsets.US_ASCII.decode(data.duplicate()).toString();
        synchronized (this) {
            if (cap >= 0) {
                if (pending + s.length() > cap) {
                    dropped.add(s);
                    return;
                }
                pending += s.length();
            }
            written.add(s);
            notifyAll();
        }
        onWrite.accept(s);
    }

    @Override
    public synchronized long pendingWriteBytes() {
        pendingAsked.incrementAndGet();
        return pending;
    }

    synchronized void setPending(long bytes) {
        pending = bytes;
        notifyAll();
    }

    /** The peer reads everything queued: the pending bytes drop to 0. */
    synchronized void read() {
        pending = 0;
    }

    @Override
    public void pauseReading() {
        pauses.incrementAndGet();
        reading = false;
    }

    @Override
    public void resumeReading() {
        resumes.incrementAndGet();
        reading = true;
    }

    @Override
    public boolean isReading() {
        return open && reading;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String describe() {
        return "memory:" + name;
    }

    synchronized List<String> written() {
        return List.copyOf(written);
    }

    synchronized List<String> dropped() {
        return List.copyOf(dropped);
    }

    /** Waits (hang guard only) until at least {@code n} writes were recorded; returns them all. */
    synchronized List<String> awaitWritten(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GUARD_MILLIS;
        while (written.size() < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("only " + written.size() + " of " + n + " writes: " + written);
            }
            wait(left);
        }
        return new ArrayList<>(written);
    }

    /** Waits (hang guard only) until the pending bytes are above {@code bytes} or {@code n} writes were recorded. */
    synchronized void awaitPendingAboveOrWritten(long bytes, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GUARD_MILLIS;
        while (pending <= bytes && written.size() < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("pending " + pending + ", writes " + written);
            }
            wait(left);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
