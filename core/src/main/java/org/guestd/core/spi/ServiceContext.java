// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;

/**
 * What the runtime gives a service (open-vm-tools {@code ToolsAppCtx}). One context per service;
 * everything a service needs from the outside comes through here, so tests can substitute it.
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

    /** Subscribes to agent events of one kind. Listeners run on a worker thread. */
    void on(AgentEvent.Kind kind, Consumer<AgentEvent> listener);

    /** Raises an event for every subscriber. */
    void publish(AgentEvent event);

    /** Exports an API to other services ({@code FsFreezer}, {@code GuestInfo}…). One per type. */
    <T> void export(Class<T> type, T implementation);

    /** An API exported by a service started earlier, if any. */
    <T> Optional<T> lookup(Class<T> type);

    /** Like {@link #lookup} but the API is mandatory. */
    default <T> T require(Class<T> type) {
        return lookup(type).orElseThrow(() -> new IllegalStateException(
                "no service exports " + type.getName() + " (is it started before this one?)"));
    }

    /** Stops the agent with a non-zero exit status; for fatal conditions only. */
    void fail(String reason);
}
