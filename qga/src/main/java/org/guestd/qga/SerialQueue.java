// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: at most one task of this
 * queue is running or scheduled at any moment. Tracks the total weight of tasks not yet finished
 * so that callers can bound what a peer makes them hold.
 */
final class SerialQueue {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.qga");

    private record Task(Runnable body, long weight) {}

    private final Executor executor;
    private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong pendingWeight = new AtomicLong();

    SerialQueue(Executor executor) {
        this.executor = executor;
    }

    /** Queues {@code body}; {@code weight} counts towards {@link #pendingWeight()} until it finished. */
    void submit(Runnable body, long weight) {
        pendingWeight.addAndGet(weight);
        tasks.add(new Task(body, weight));
        schedule();
    }

    long pendingWeight() {
        return pendingWeight.get();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                LOG.warn("qga: worker pool refused work, dropping {} queued request(s)", tasks.size());
                tasks.clear();
                pendingWeight.set(0);
                scheduled.set(false);
            }
        }
    }

    private void drain() {
        Task t;
        while ((t = tasks.poll()) != null) {
            try {
                t.body().run();
            } catch (RuntimeException | Error e) {
                LOG.warn("qga: request handling failed", e);
            } finally {
                pendingWeight.addAndGet(-t.weight());
            }
        }
        scheduled.set(false);
        if (!tasks.isEmpty()) {
            schedule();
        }
    }
}
