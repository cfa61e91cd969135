// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.guestd.core.env.Clock;

/**
 * Virtual time for a real {@link IoLoop}: epoll I/O stays real, but a delayed task only runs when
 * {@link #advance} moves the time past it, on the loop thread, in due order. Link ages read the
 * same time. A test can so say "nothing happens before the delay, exactly one thing after it"
 * without sleeping.
 */
final class ManualTimer implements IoLoop.Timer, Clock {
    private final List<Entry> entries = new ArrayList<>(); // guarded by this
    private long nowMillis; // guarded by this
    private long sequence; // guarded by this: also how many tasks were ever scheduled
    private IoLoop loop;

    /** A loop whose delays and clock are this timer's. */
    IoLoop newLoop() {
        loop = IoLoop.create(this, this);
        return loop;
    }

    @Override
    public synchronized Future<?> schedule(Runnable task, long delayMillis) {
        Entry e = new Entry(nowMillis + delayMillis, delayMillis, sequence++, task);
        entries.add(e);
        return e;
    }

    /** The delays (as requested, ms) of the tasks still waiting, earliest first. */
    synchronized List<Long> pendingDelays() {
        return entries.stream().filter(e -> !e.cancelled).sorted(ORDER).map(e -> e.delayMillis).toList();
    }

    /** How many tasks were ever scheduled. */
    synchronized long scheduled() {
        return sequence;
    }

    /**
     * Waits (up to 5 s; a positive wait, not a pause) until the pending delays are exactly
     * {@code expected}: for a task the loop schedules in reaction to I/O.
     */
    void awaitPending(List<Long> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!pendingDelays().equals(expected)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("pending delays " + pendingDelays() + ", expected " + expected);
            }
            Thread.sleep(2);
        }
    }

    /** How many scheduled tasks were cancelled before they ran. */
    synchronized long cancelled() {
        return entries.stream().filter(e -> e.cancelled).count();
    }

    /**
     * Moves the time forward by {@code millis}, running each task that falls due (also those that
     * due tasks schedule) on the loop, one at a time, waiting for each; then lets the loop handle
     * what those tasks started ({@link #settle}).
     *
     * @return how many tasks ran
     */
    int advance(long millis) {
        long target;
        synchronized (this) {
            target = nowMillis + millis;
        }
        int ran = 0;
        while (true) {
            Entry next;
            synchronized (this) {
                next = entries.stream().filter(e -> !e.cancelled && e.dueMillis <= target).min(ORDER).orElse(null);
                if (next == null) {
                    nowMillis = target;
                    break;
                }
                entries.remove(next);
                nowMillis = Math.max(nowMillis, next.dueMillis);
            }
            loop.eventLoop().submit(next.task).syncUninterruptibly();
            ran++;
        }
        settle();
        return ran;
    }

    /**
     * Makes a few round trips through the loop. Each one is an epoll wait plus the events it
     * reports, so afterwards the loop has handled whatever I/O was ready; a level-triggered event
     * that the loop kept seeing would have been handled once per round trip.
     */
    void settle() {
        for (int i = 0; i < 5; i++) {
            loop.eventLoop().submit(() -> { }).syncUninterruptibly();
        }
    }

    @Override
    public synchronized long realtimeNanos() {
        return TimeUnit.MILLISECONDS.toNanos(nowMillis);
    }

    @Override
    public synchronized long monotonicNanos() {
        return TimeUnit.MILLISECONDS.toNanos(nowMillis);
    }

    private static final Comparator<Entry> ORDER =
            Comparator.<Entry>comparingLong(e -> e.dueMillis).thenComparingLong(e -> e.sequence);

    private static final class Entry implements Future<Object> {
        final long dueMillis;
        final long delayMillis;
        final long sequence;
        final Runnable task;
        volatile boolean cancelled;

        Entry(long dueMillis, long delayMillis, long sequence, Runnable task) {
            this.dueMillis = dueMillis;
            this.delayMillis = delayMillis;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("a test timer entry has no result");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("a test timer entry has no result");
        }
    }
}
