// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.spi;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;

/**
 * What the runtime gives a service for its lifecycle (open-vm-tools {@code ToolsAppCtx}): its config,
 * the injectable environment, the worker pool and periodic tasks. One context per service, so tests
 * can substitute it. Services do not find each other through it: the composition root hands each
 * service the feature APIs it needs through its constructor.
 */
public interface ServiceContext {
    /** The service's own config section {@code [name]}. */
    ConfigSection config();

    /** The {@code [general]} section: the agent-wide options (method, path, statedir…). */
    ConfigSection general();

    /** Injectable clock. */
    Clock clock();

    /** Injectable roots of /proc, /sys, /etc, /run, /dev. */
    HostPaths paths();

    /** Injectable program runner. */
    CommandRunner commands();

    /** A worker pool for blocking work (commands run here, never on the I/O thread). */
    Executor blocking();

    /**
     * Runs {@code task} every {@code period} (first run after one period) on a worker thread. A run
     * never overlaps the previous one (a period that comes due while it still runs is skipped). A
     * task that throws is logged (rate-limited) and run again next period.
     *
     * @return a handle that cancels the task; tasks are cancelled when the service stops anyway
     */
    AutoCloseable every(Duration period, String taskName, Runnable task);

    /**
     * Runs {@code task} once, after {@code delay}, on a worker thread (a debounce, a retry). The default
     * is built on {@link #every}; the runtime schedules it directly.
     *
     * @return a handle that cancels the task if it has not run yet; cancelled when the service stops anyway
     */
    default AutoCloseable once(Duration delay, String taskName, Runnable task) {
        AtomicReference<AutoCloseable> handle = new AtomicReference<>();
        AtomicBoolean ran = new AtomicBoolean();
        AutoCloseable h = every(delay, taskName, () -> {
            if (!ran.compareAndSet(false, true)) {
                return;
            }
            try {
                AutoCloseable self = handle.get();
                if (self != null) {
                    self.close();
                }
            } catch (Exception ignored) {
                // cancelling is best effort: the flag above keeps it from running twice
            }
            task.run();
        });
        handle.set(h);
        return h;
    }

    /** Stops the agent with a non-zero exit status; for fatal conditions only. */
    void fail(String reason);
}
