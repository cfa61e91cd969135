// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ServiceContext} of one service inside a {@link ServiceRuntime}. */
final class Context implements ServiceContext {
    private static final long WARN_INTERVAL_NANOS = TimeUnit.HOURS.toNanos(1);

    private final ServiceRuntime rt;
    private final String name;
    private final Logger log;
    private final List<Periodic> tasks = new CopyOnWriteArrayList<>();
    private final Map<String, Long> lastWarning = new ConcurrentHashMap<>();

    Context(ServiceRuntime rt, String name) {
        this.rt = rt;
        this.name = name;
        this.log = LoggerFactory.getLogger("org.guestd." + name);
    }

    @Override
    public ConfigSection config() {
        return rt.config().section(name);
    }

    @Override
    public ConfigSection general() {
        return rt.config().general();
    }

    @Override
    public Clock clock() {
        return rt.clock();
    }

    @Override
    public HostPaths paths() {
        return rt.paths();
    }

    @Override
    public CommandRunner commands() {
        return rt.commands();
    }

    @Override
    public Executor blocking() {
        return rt.workers();
    }

    @Override
    public AutoCloseable every(Duration period, String taskName, Runnable task) {
        return add(new Periodic(Math.max(1, period.toMillis()), taskName, task, false));
    }

    @Override
    public AutoCloseable once(Duration delay, String taskName, Runnable task) {
        return add(new Periodic(Math.max(1, delay.toMillis()), taskName, task, true));
    }

    private AutoCloseable add(Periodic p) {
        tasks.add(p);
        p.schedule();
        return () -> {
            p.cancel();
            tasks.remove(p);
        };
    }

    /**
     * A task run on the worker pool every {@code periodMs} (or, {@code oneShot}, once after it). The
     * timer thread reschedules a periodic task itself (fixed delay from the hand-off), so an idle
     * period costs two wake-ups — the timer's and a worker's — and not a third for a worker telling
     * the timer about the next run. A run never overlaps the previous one: a period that comes due
     * while the task still runs is skipped.
     */
    private final class Periodic {
        private final long periodMs;
        private final String name;
        private final Runnable task;
        private final boolean oneShot;
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> next;

        Periodic(long periodMs, String name, Runnable task, boolean oneShot) {
            this.periodMs = periodMs;
            this.name = name;
            this.task = task;
            this.oneShot = oneShot;
        }

        void schedule() {
            try {
                next = oneShot ? rt.scheduler().schedule(this::handOff, periodMs, TimeUnit.MILLISECONDS)
                        : rt.scheduler().scheduleWithFixedDelay(this::handOff, periodMs, periodMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                cancelled = true; // the runtime is closing
            }
        }

        /** On the timer thread: hands one run to a worker, unless the previous one is still running. */
        private void handOff() {
            if (cancelled || !running.compareAndSet(false, true)) {
                return;
            }
            try {
                rt.workers().execute(this::runOnce);
            } catch (RejectedExecutionException stopping) {
                running.set(false);
                cancel();
            }
        }

        private void runOnce() {
            try {
                if (!cancelled) {
                    runTask(name, task);
                }
            } finally {
                running.set(false);
                if (oneShot) {
                    cancelled = true;
                    tasks.remove(this);
                }
            }
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private void runTask(String taskName, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // Rate-limited: one warning per distinct message per hour (WALA PeriodicOperation).
            String key = taskName + ":" + e;
            long now = System.nanoTime();
            Long last = lastWarning.get(key);
            if (last == null || now - last > WARN_INTERVAL_NANOS) {
                lastWarning.put(key, now);
                log.warn("periodic task {} failed: {}", taskName, e.toString());
            }
        }
    }

    void cancelTasks() {
        tasks.forEach(Periodic::cancel);
        tasks.clear();
    }

    @Override
    public void fail(String reason) {
        log.error("fatal: {}", reason);
        rt.fatal(name + ": " + reason);
    }
}
