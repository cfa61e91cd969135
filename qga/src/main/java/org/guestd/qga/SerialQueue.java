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
            } catch (RejectedExecutionException | Error e) { // shut down, or e.g. no thread could be made
                int n = tasks.size();
                tasks.clear();
                pendingWeight.set(0);
                scheduled.set(false);
                log("worker pool refused work (" + e + "), dropped " + n + " queued request(s)", null);
            }
        }
    }

    /**
     * Runs the queued tasks. Callers make their tasks answer their own failures (the endpoint sends
     * a GenericError); whatever still escapes one is logged, and the queue goes on with the next.
     */
    private void drain() {
        try {
            Task t;
            while ((t = tasks.poll()) != null) {
                try {
                    t.body().run();
                } catch (Throwable e) {
                    log("request handling failed (" + e + "); no reply was sent for it", e);
                } finally {
                    pendingWeight.addAndGet(-t.weight());
                }
            }
        } finally {
            scheduled.set(false); // even if logging itself failed: a stuck flag would end this queue
        }
        if (!tasks.isEmpty()) {
            schedule();
        }
    }

    /**
     * Logs a failure, with the stack trace of {@code e} unless it is null or a StackOverflowError /
     * OutOfMemoryError (noise, possibly 1024 frames); never throws.
     */
    private static void log(String text, Throwable e) {
        try {
            if (e == null || e instanceof VirtualMachineError) {
                LOG.warn("qga: {}", text);
            } else {
                LOG.warn("qga: {}", text, e);
            }
        } catch (Throwable ignored) {
            // out of memory again: nothing more to do
        }
    }
}
