// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.guestd.core.AgentException;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a list of {@link AgentService}s: probe each, start the available ones in list order, stop
 * the started ones in reverse order (qga {@code ga_command_state_cleanup_all}). Owns the worker
 * pool and the scheduler that the services share. The order of the list is the order the
 * composition root wrote: a service is constructed with the feature APIs it uses, so those are
 * built (and their services listed) before it.
 */
public final class ServiceRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);

    private final AgentConfig config;
    private final Clock clock;
    private final HostPaths paths;
    private final CommandRunner commands;
    private final ExecutorService workers;
    private final WatchedWorkers watched;
    private final ScheduledExecutorService scheduler;
    private final Deque<Started> started = new ArrayDeque<>();
    private final Consumer<String> onFatal;
    private volatile boolean closed;

    record Started(AgentService service, Context ctx) {}

    /**
     * @param onFatal called (once per call to {@code fail}) when a service reports a fatal
     *     condition; the agent stops with a non-zero status
     */
    public ServiceRuntime(AgentConfig config, Clock clock, HostPaths paths, CommandRunner commands,
            Consumer<String> onFatal) {
        this.config = config;
        this.clock = clock;
        this.paths = paths;
        this.commands = commands;
        this.onFatal = onFatal;
        this.workers = Executors.newCachedThreadPool(daemonThreads("guestd-worker"));
        this.watched = new WatchedWorkers(workers, clock::monotonicNanos);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("guestd-timer"));
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Probes and starts the services in order. A service whose probe fails is skipped with one
     * log line; a service whose start throws stops everything already started and the error is
     * rethrown.
     *
     * @return the names of the services that were started
     */
    public List<String> start(List<AgentService> services) throws AgentException {
        List<String> names = new ArrayList<>();
        for (AgentService s : services) {
            Context ctx = new Context(this, s.name());
            Availability a;
            try {
                a = s.probe(ctx);
            } catch (RuntimeException e) {
                a = Availability.unavailable("probe failed: " + e);
            }
            if (!a.isAvailable()) {
                LOG.info("service {} is off: {}", s.name(), a.cause());
                continue;
            }
            try {
                s.start(ctx);
            } catch (AgentException | RuntimeException e) {
                LOG.error("service {} failed to start: {}", s.name(), e.getMessage());
                ctx.cancelTasks();
                stopAll();
                throw e;
            }
            started.push(new Started(s, ctx));
            names.add(s.name());
            LOG.debug("service {} started", s.name());
        }
        return names;
    }

    /** Stops every started service in reverse order. Idempotent. */
    public synchronized void stopAll() {
        while (!started.isEmpty()) {
            Started st = started.pop();
            st.ctx.cancelTasks();
            try {
                st.service.stop();
            } catch (RuntimeException e) {
                LOG.warn("service {} failed to stop cleanly: {}", st.service.name(), e.toString());
            }
            LOG.debug("service {} stopped", st.service.name());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll();
        scheduler.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    AgentConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    HostPaths paths() {
        return paths;
    }

    CommandRunner commands() {
        return commands;
    }

    /** The worker pool every service's {@link org.guestd.core.spi.ServiceContext#blocking()} runs on. */
    public WatchedWorkers workers() {
        return watched;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    void fatal(String reason) {
        onFatal.accept(reason);
    }
}
