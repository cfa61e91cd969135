// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.spi;

import java.time.Duration;
import java.util.concurrent.Executor;
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
     * Runs {@code task} every {@code period} (first run after one period) on a worker thread.
     * A task that throws is logged (rate-limited) and run again next period.
     *
     * @return a handle that cancels the task; tasks are cancelled when the service stops anyway
     */
    AutoCloseable every(Duration period, String taskName, Runnable task);

    /** Stops the agent with a non-zero exit status; for fatal conditions only. */
    void fail(String reason);
}
