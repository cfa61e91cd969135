// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.AgentEvent;
import org.guestd.core.spi.ServiceContext;

/**
 * A {@link ServiceContext} for testing one service on its own: config and {@code [general]} maps,
 * fixture paths, a fake clock and runner, commands run inline, exports in a map, published events
 * recorded, {@code fail} as an assertion error. Periodic tasks are refused unless a test takes them
 * over, so a service that schedules work cannot do it unnoticed.
 */
public final class TestContext implements ServiceContext {
    private final String name;
    private Map<String, String> config = Map.of();
    private Map<String, String> general = Map.of();
    private HostPaths paths = HostPaths.under(Path.of("/nonexistent-fixture-root"));
    private Clock clock = new FakeClock(0);
    private CommandRunner commands = new FakeCommandRunner();
    private final Map<Class<?>, Object> exports = new HashMap<>();
    /** Every event {@link #publish}ed, in order. */
    public final List<AgentEvent> published = new ArrayList<>();

    public TestContext(String serviceName) {
        this.name = serviceName;
    }

    public TestContext config(Map<String, String> values) {
        this.config = values;
        return this;
    }

    public TestContext general(Map<String, String> values) {
        this.general = values;
        return this;
    }

    public TestContext paths(HostPaths p) {
        this.paths = p;
        return this;
    }

    public TestContext clock(Clock c) {
        this.clock = c;
        return this;
    }

    public TestContext commands(CommandRunner r) {
        this.commands = r;
        return this;
    }

    /** Makes {@code api} available to {@link #require}/{@link #lookup}, as an earlier service would. */
    public <T> TestContext with(Class<T> type, T api) {
        exports.put(type, api);
        return this;
    }

    @Override
    public ConfigSection config() {
        return new ConfigSection(name, config);
    }

    @Override
    public ConfigSection general() {
        return new ConfigSection("general", general);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public HostPaths paths() {
        return paths;
    }

    @Override
    public CommandRunner commands() {
        return commands;
    }

    @Override
    public Executor blocking() {
        return Runnable::run;
    }

    @Override
    public AutoCloseable every(Duration period, String taskName, Runnable task) {
        throw new AssertionError(name + " scheduled periodic task " + taskName + " in a test that does not expect it");
    }

    @Override
    public void on(AgentEvent.Kind kind, Consumer<AgentEvent> listener) {}

    @Override
    public void publish(AgentEvent event) {
        published.add(event);
    }

    @Override
    public <T> void export(Class<T> type, T implementation) {
        exports.put(type, implementation);
    }

    @Override
    public <T> Optional<T> lookup(Class<T> type) {
        return Optional.ofNullable(type.cast(exports.get(type)));
    }

    @Override
    public void fail(String reason) {
        throw new AssertionError(name + " failed: " + reason);
    }
}
