// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The auto-thaw timer: one-shot, armed when filesystems are frozen, cancelled by the thaw. Its
 * daemon thread exists only once a freeze happened and never wakes up otherwise.
 */
final class Watchdog implements AutoCloseable {
    private final Duration window;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> pending;
    private Duration lastDelay;

    /** @param window how long filesystems may stay frozen; zero or negative disables the watchdog */
    Watchdog(Duration window) {
        this.window = window;
    }

    Duration window() {
        return window;
    }

    synchronized void arm(Runnable onExpiry) {
        arm(onExpiry, window);
    }

    /**
     * Arms the timer to fire after {@code delay} (the rest of the window of a freeze that began
     * before this instance started; zero or less: at once). Does nothing when the watchdog is off.
     */
    synchronized void arm(Runnable onExpiry, Duration delay) {
        cancel();
        if (window.isZero() || window.isNegative()) {
            return;
        }
        lastDelay = delay.isNegative() ? Duration.ZERO : delay;
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "guestd-freeze-watchdog");
                t.setDaemon(true);
                return t;
            });
        }
        pending = timer.schedule(onExpiry, lastDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** The delay the timer was last armed with (null before), for tests and the log. */
    synchronized Duration lastDelay() {
        return lastDelay;
    }

    synchronized boolean armed() {
        return pending != null && !pending.isDone();
    }

    @Override
    public synchronized void close() {
        cancel();
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
