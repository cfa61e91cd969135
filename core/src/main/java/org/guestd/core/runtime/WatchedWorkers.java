// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The worker pool as the services see it, with a record of what runs: every task's start time is
 * kept while it runs, so the liveness check can tell a worker stuck for minutes (a wedged
 * syscall, a deadlock) from a busy pool. Costs one map put and remove per task.
 */
public final class WatchedWorkers implements Executor {
    private final Executor pool;
    private final LongSupplier monotonicNanos;
    private final Map<Long, Long> running = new ConcurrentHashMap<>(); // task id → start
    private final AtomicLong ids = new AtomicLong();
    private volatile Runnable afterEach = () -> { };

    public WatchedWorkers(Executor pool, LongSupplier monotonicNanos) {
        this.pool = pool;
        this.monotonicNanos = monotonicNanos;
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(() -> {
            long id = ids.incrementAndGet();
            running.put(id, monotonicNanos.getAsLong());
            try {
                task.run();
            } finally {
                running.remove(id);
                try {
                    afterEach.run();
                } catch (RuntimeException e) { // never the task's problem
                    // nothing to add: the hook logs its own failures
                }
            }
        });
    }

    /**
     * Runs {@code hook} on the worker after every task (e.g. the agent's heap relief, which notes
     * that work happened). It must be quick and must not block.
     */
    public void afterEachTask(Runnable hook) {
        afterEach = hook;
    }

    /** How long the longest-running task has been running, ns (0 when none runs). */
    public long longestRunningNanos() {
        long now = monotonicNanos.getAsLong();
        long longest = 0;
        for (long start : running.values()) {
            longest = Math.max(longest, now - start);
        }
        return longest;
    }

    /** Tasks running now. */
    public int runningTasks() {
        return running.size();
    }
}
