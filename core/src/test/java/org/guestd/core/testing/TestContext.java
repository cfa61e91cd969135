// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.ServiceContext;

/**
 * A {@link ServiceContext} for testing one service on its own: config and {@code [general]} maps,
 * fixture paths, a fake clock and runner, commands run inline, {@code fail} as an assertion error.
 * Periodic tasks are refused unless a test calls {@link #recordPeriodic()}, so a service that
 * schedules work cannot do it unnoticed; recorded tasks are run by the test ({@link Periodic#run}).
 */
public final class TestContext implements ServiceContext {
    private final String name;
    private Map<String, String> config = Map.of();
    private Map<String, String> general = Map.of();
    private HostPaths paths = HostPaths.under(Path.of("/nonexistent-fixture-root"));
    private Clock clock = new FakeClock(0);
    private CommandRunner commands = new FakeCommandRunner();
    private boolean recordPeriodic;
    /** The periodic tasks scheduled so far (after {@link #recordPeriodic()}), in order. */
    public final List<Periodic> periodic = new ArrayList<>();

    /** A scheduled periodic task; {@code cancelled} once its handle was closed. */
    public static final class Periodic {
        public final Duration period;
        public final String name;
        private final Runnable task;
        public volatile boolean cancelled;

        Periodic(Duration period, String name, Runnable task) {
            this.period = period;
            this.name = name;
            this.task = task;
        }

        /** Runs the task once, as the runtime would at the end of a period. */
        public void run() {
            task.run();
        }
    }

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

    /** Accepts periodic tasks and records them in {@link #periodic} instead of refusing them. */
    public TestContext recordPeriodic() {
        this.recordPeriodic = true;
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
    public synchronized AutoCloseable every(Duration period, String taskName, Runnable task) {
        if (!recordPeriodic) {
            throw new AssertionError(name + " scheduled periodic task " + taskName + " in a test that does not expect it");
        }
        Periodic p = new Periodic(period, taskName, task);
        periodic.add(p);
        return () -> p.cancelled = true;
    }

    @Override
    public void fail(String reason) {
        throw new AssertionError(name + " failed: " + reason);
    }
}
