// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.util.Objects;
import org.guestd.jna.linux.KernelEvents;
import org.guestd.jna.linux.NativeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the agent, on its event loop, that something happened to the guest that may make published
 * facts stale: an address or link changed (rtnetlink), or the wall clock was stepped (a resume, a
 * snapshot restore, a clock set). Bursts are merged: the callback runs once, {@link #DEBOUNCE_MS}
 * after the first event of a burst, and must only hand work off (it runs on the I/O thread).
 * Costs nothing while nothing happens: the descriptor sleeps in the loop's epoll set.
 */
public final class KernelEventWatch implements AutoCloseable {
    /** How long a burst of events (a DHCP renewal adds and removes several addresses) is gathered. */
    static final long DEBOUNCE_MS = 100;
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");

    private final IoEventLoop loop;
    private final IoLoop io;
    private final int fd;
    private final FileDescriptor nettyFd;
    private final String what;
    private final Runnable callback;
    private final boolean rearmTimer;
    private IoRegistration registration; // loop-confined
    private boolean pending; // loop-confined
    private volatile boolean closed;

    private KernelEventWatch(IoLoop loop, int fd, String what, Runnable callback, boolean rearmTimer) {
        this.loop = loop.eventLoop();
        this.io = loop;
        this.fd = fd;
        this.nettyFd = new FileDescriptor(fd);
        this.what = what;
        this.callback = Objects.requireNonNull(callback);
        this.rearmTimer = rearmTimer;
    }

    /** Calls {@code onChange} after interfaces or their addresses changed. */
    public static KernelEventWatch addressChanges(IoLoop loop, Runnable onChange) throws NativeException {
        return start(new KernelEventWatch(loop, KernelEvents.openAddressMonitor(), "address changes", onChange, false));
    }

    /** Calls {@code onJump} after the wall clock was set discontinuously (includes resume). */
    public static KernelEventWatch clockJumps(IoLoop loop, Runnable onJump) throws NativeException {
        return start(new KernelEventWatch(loop, KernelEvents.openClockJumpTimer(), "clock jumps", onJump, true));
    }

    /** Whether the descriptor is in the loop's epoll set (call on the loop; for tests). */
    boolean watching() {
        return registration != null;
    }

    private static KernelEventWatch start(KernelEventWatch w) {
        w.loop.execute(w::register);
        return w;
    }

    private void register() {
        if (closed) {
            closeFd();
            return;
        }
        loop.register(new Handle()).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.warn("cannot watch {}: {}", what, f.cause().toString());
                closeFd();
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (closed) {
                end();
                return;
            }
            registration.submit(EpollIoOps.EPOLLIN);
        });
    }

    private void onReadable() {
        int n;
        try {
            n = KernelEvents.drain(fd);
            if (rearmTimer) {
                KernelEvents.rearmClockJumpTimer(fd);
            }
        } catch (NativeException e) {
            LOG.warn("watching {} failed: {}; no longer watched", what, e.getMessage());
            end();
            return;
        }
        if (n > 0 && !pending) {
            pending = true;
            io.schedule(() -> {
                pending = false;
                if (!closed) {
                    try {
                        callback.run();
                    } catch (RuntimeException e) {
                        LOG.warn("handling {} failed: {}", what, e.toString());
                    }
                }
            }, DEBOUNCE_MS);
        }
    }

    private void end() {
        if (registration != null) {
            try {
                registration.cancel();
            } catch (Exception e) {
                LOG.debug("cancel {}: {}", what, e.toString());
            }
            registration = null;
        }
        closeFd();
    }

    private void closeFd() {
        try {
            nettyFd.close(); // idempotent
        } catch (IOException e) {
            LOG.debug("close {}: {}", what, e.toString());
        }
    }

    /** Stops watching and closes the descriptor. Idempotent; safe from any thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop.isShuttingDown()) {
            closeFd();
        } else {
            loop.execute(this::end);
        }
    }

    private final class Handle implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return nettyFd;
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            try {
                onReadable();
            } catch (Throwable t) { // never into Netty
                LOG.warn("watching {} failed: {}", what, t.toString());
                end();
            }
        }

        @Override
        public void close() {
            end();
        }
    }
}
