// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.guestd.core.env.Clock;

/**
 * The agent's one I/O thread: a single-threaded Netty epoll event loop named {@code guestd-io}.
 * Every transport and link of the agent runs on it; handlers must never block it. The thread is a
 * daemon, and {@link #close()} gives it at most about half a second, so it never holds up exit.
 *
 * <p>Every delay of the transports (device reopen backoff, the no-host read retry, the accept
 * pause, the kernel-event debounce) is set through {@link #schedule} and every link age is read
 * from {@link #nanoTime}, so a test can build the loop with a {@link Timer} and a {@link Clock} it
 * moves itself: real epoll I/O, virtual time.
 */
public final class IoLoop implements AutoCloseable {
    /** The thread name. */
    public static final String THREAD_NAME = "guestd-io";

    private final MultiThreadIoEventLoopGroup group;
    private final IoEventLoop loop;
    private final Timer timer;
    private final Clock clock;

    /** Where the loop's delayed tasks go; the task must run on the loop thread. */
    @FunctionalInterface
    interface Timer {
        /** Runs {@code task} on the loop after {@code delayMillis}; the future cancels it. */
        Future<?> schedule(Runnable task, long delayMillis);
    }

    /**
     * Netty 4.2's event loop caps its epoll wait at one second when no task is scheduled (its
     * scheduled-task purge interval), which wakes an idle agent once a second. A far-off periodic
     * no-op task makes the wait last until that task is due instead.
     */
    static final long IDLE_ANCHOR_HOURS = 24;

    private IoLoop(MultiThreadIoEventLoopGroup group, Timer timer, Clock clock) {
        this.group = group;
        this.loop = group.next();
        this.timer = timer != null ? timer : (task, ms) -> loop.schedule(task, ms, TimeUnit.MILLISECONDS);
        this.clock = Objects.requireNonNull(clock, "clock");
        loop.scheduleAtFixedRate(() -> { }, IDLE_ANCHOR_HOURS, IDLE_ANCHOR_HOURS, TimeUnit.HOURS);
    }

    /**
     * Starts the loop.
     *
     * @throws UnsatisfiedLinkError or another {@link Error} when Netty's native epoll library cannot
     *     be loaded (see {@link org.guestd.jna.linux.LinuxNative#availability()})
     */
    public static IoLoop create() {
        return create(null, Clock.SYSTEM);
    }

    /**
     * A loop whose delays go to {@code timer} (null: the loop's own scheduler) and whose link ages
     * are read from {@code clock}'s monotonic time: for tests that drive time themselves.
     */
    static IoLoop create(Timer timer, Clock clock) {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new FastThreadLocalThread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        }, EpollIoHandler.newFactory());
        return new IoLoop(group, timer, clock);
    }

    /** The event loop: register handles, schedule tasks, check {@code inEventLoop()}. */
    public IoEventLoop eventLoop() {
        return loop;
    }

    /**
     * Runs {@code task} on the loop after {@code delayMillis} (call on the loop); the future
     * cancels it.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the loop is shutting down
     */
    Future<?> schedule(Runnable task, long delayMillis) {
        return timer.schedule(task, delayMillis);
    }

    /** Monotonic time in nanoseconds, for link ages. */
    long nanoTime() {
        return clock.monotonicNanos();
    }

    /** True when called on the loop thread. */
    public boolean inLoop() {
        return loop.inEventLoop();
    }

    /** True once {@link #close()} started. */
    public boolean isShuttingDown() {
        return group.isShuttingDown();
    }

    /**
     * Runs {@code task} on the loop and waits for it (up to about 2 s, a hang guard); runs it
     * directly when already on the loop or when the loop is gone.
     */
    void runAndWait(Runnable task) {
        if (loop.inEventLoop() || loop.isShuttingDown()) {
            task.run();
            return;
        }
        try {
            loop.submit(task).awaitUninterruptibly(2, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * Whether the loop is alive: runs an empty task on it and waits at most {@code timeoutMillis}
     * for it to have run (the liveness check behind the systemd watchdog). Call from a worker
     * thread, never from the loop.
     */
    public boolean answersWithin(long timeoutMillis) {
        if (loop.isShuttingDown()) {
            return false;
        }
        try {
            return loop.submit(() -> { }).awaitUninterruptibly(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Shuts the loop down: no quiet period, at most 500 ms for pending tasks. Idempotent. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(600, TimeUnit.MILLISECONDS);
    }
}
