// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back after a burst. The JVM grows its heap for a burst of work (a 32 MiB request
 * takes the agent from 57 MB to 189 MB resident) and Serial GC returns it only at a full
 * collection, which an idle agent never has. So after each worker task, when the committed heap is
 * above {@link #DEFAULT_THRESHOLD}, this arranges one full collection once no task has finished
 * for {@link #DEFAULT_QUIET}; with {@code -XX:-ShrinkHeapInSteps} (the launcher's) that one
 * collection shrinks the heap to the live set plus {@code MaxHeapFreeRatio}. An agent that stays
 * below the threshold, or stays busy, is never collected by this; an idle one is never woken: the
 * timer thread exists from the first burst on and sleeps without a deadline in between. While
 * the agent stays busy, {@link OldGenCap} bounds the old generation.
 */
final class HeapRelief {
    /**
     * Committed heap above which a quiet agent is collected: 16 MiB, twice the idle heap (-Xms8m). A
     * fuzzing host left it at 19.7 MiB, 24 MiB did not catch that.
     */
    static final long DEFAULT_THRESHOLD = 16L << 20;
    /** How long no worker task must have finished before the collection. */
    static final Duration DEFAULT_QUIET = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.agent");

    private final LongSupplier committedHeap;
    private final Runnable collect;
    private final LongSupplier nanos;
    private final long threshold;
    private final long quietNanos;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    private boolean pending; // guarded by lock
    private long lastTaskNanos; // guarded by lock
    private long collections; // guarded by lock

    /** Schedules a one-shot task; {@link #LAZY_THREAD} in production. */
    interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    /** A daemon thread made on first use, asleep without a deadline while nothing is scheduled. */
    static final Scheduler LAZY_THREAD = new Scheduler() {
        private ScheduledExecutorService timer;

        @Override
        public synchronized void schedule(Runnable task, long delayNanos) {
            if (timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "guestd-heap-relief");
                    t.setDaemon(true);
                    return t;
                });
            }
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    };

    HeapRelief(LongSupplier committedHeap, Runnable collect, LongSupplier nanos, long threshold, Duration quiet,
            Scheduler scheduler) {
        this.committedHeap = committedHeap;
        this.collect = collect;
        this.nanos = nanos;
        this.threshold = threshold;
        this.quietNanos = quiet.toNanos();
        this.scheduler = scheduler;
    }

    /**
     * The production instance: the JVM's committed heap, System.nanoTime(), and the collection of
     * {@code cap} (System.gc(), then the cap's threshold from what is left).
     */
    static HeapRelief forThisJvm(OldGenCap cap) {
        return new HeapRelief(() -> Runtime.getRuntime().totalMemory(), cap::collect, System::nanoTime,
                DEFAULT_THRESHOLD, DEFAULT_QUIET, LAZY_THREAD);
    }

    /** A worker task finished: arranges a collection once things are quiet, if the heap is large. */
    void afterTask() {
        long now = nanos.getAsLong();
        synchronized (lock) {
            lastTaskNanos = now;
            if (pending || committedHeap.getAsLong() <= threshold) {
                return;
            }
            pending = true;
        }
        scheduler.schedule(this::whenQuiet, quietNanos);
    }

    /** Collections made so far (tests, logs). */
    long collections() {
        synchronized (lock) {
            return collections;
        }
    }

    private void whenQuiet() {
        long wait;
        synchronized (lock) {
            wait = lastTaskNanos + quietNanos - nanos.getAsLong();
            if (wait <= 0) {
                pending = false;
            }
        }
        if (wait > 0) { // a task finished since: wait until it has been quiet long enough
            scheduler.schedule(this::whenQuiet, wait);
            return;
        }
        long before = committedHeap.getAsLong();
        if (before <= threshold) {
            return; // a collection of its own has shrunk it meanwhile
        }
        collect.run();
        synchronized (lock) {
            collections++;
        }
        LOG.debug("heap relief: committed heap {} MiB -> {} MiB after a quiet {} s", before >> 20,
                committedHeap.getAsLong() >> 20, quietNanos / 1_000_000_000L);
    }
}
