// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.AgentEvent;
import org.guestd.core.spi.ServiceContext;

/** A ServiceContext that forwards to another, so a test can take over one method (every()). */
class DelegatingContext implements ServiceContext {
    private final ServiceContext d;

    DelegatingContext(ServiceContext d) {
        this.d = d;
    }

    @Override
    public ConfigSection config() {
        return d.config();
    }

    @Override
    public ConfigSection general() {
        return d.general();
    }

    @Override
    public Clock clock() {
        return d.clock();
    }

    @Override
    public HostPaths paths() {
        return d.paths();
    }

    @Override
    public CommandRunner commands() {
        return d.commands();
    }

    @Override
    public Executor blocking() {
        return d.blocking();
    }

    @Override
    public AutoCloseable every(Duration period, String taskName, Runnable task) {
        return d.every(period, taskName, task);
    }

    @Override
    public void on(AgentEvent.Kind kind, Consumer<AgentEvent> listener) {
        d.on(kind, listener);
    }

    @Override
    public void publish(AgentEvent event) {
        d.publish(event);
    }

    @Override
    public <T> void export(Class<T> type, T implementation) {
        d.export(type, implementation);
    }

    @Override
    public <T> Optional<T> lookup(Class<T> type) {
        return d.lookup(type);
    }

    @Override
    public void fail(String reason) {
        d.fail(reason);
    }
}
