// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered, thread-safe write queue of a link. Any thread adds copies (call order is queue
 * order); only the event loop takes them off. A cap on queued bytes protects memory while the
 * peer does not read (e.g. no host on a virtio-serial port): writes beyond it are dropped and
 * logged once.
 */
final class OutboundQueue {
    /** Default cap on queued bytes per link. */
    static final long DEFAULT_LIMIT = 16L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");

    private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final long limit;
    private volatile boolean overflowLogged;

    OutboundQueue(long limit) {
        this.limit = limit;
    }

    /**
     * Queues a heap copy of {@code data}'s remaining bytes (its position is left alone).
     *
     * @return false when dropped because the queue is full
     */
    boolean add(ByteBuffer data, String describe) {
        int n = data.remaining();
        if (pending.addAndGet(n) > limit && n > 0) {
            pending.addAndGet(-n);
            if (!overflowLogged) {
                overflowLogged = true;
                LOG.warn("{}: peer is not reading, {} bytes queued; dropping further writes", describe, limit);
            }
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(n);
        copy.put(data.duplicate()).flip();
        queue.add(copy);
        return true;
    }

    /** The oldest queued buffer (loop only), or null. */
    ByteBuffer peek() {
        return queue.peek();
    }

    /** Removes the oldest buffer once written (loop only). */
    void remove() {
        ByteBuffer b = queue.poll();
        if (b != null) {
            pending.addAndGet(-b.capacity());
        }
    }

    /** Bytes queued and not yet handed to the kernel. */
    long pendingBytes() {
        return pending.get();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Drops everything queued. */
    void clear() {
        while (queue.poll() != null) {
            // drop
        }
        pending.set(0);
    }

    /** True when the caller should schedule a drain task (none is pending yet). */
    boolean claimDrain() {
        return drainScheduled.compareAndSet(false, true);
    }

    /** Called by the drain task before it drains, so later adds schedule another one. */
    void drainStarted() {
        drainScheduled.set(false);
        if (overflowLogged && pending.get() < limit / 2) {
            overflowLogged = false;
        }
    }
}
