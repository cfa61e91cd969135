// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.io.IOException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared base of the device transports: opens a path (or adopts an inherited {@code fd:N}), runs
 * one {@link FdLink} at a time and, when it ends, reopens the path with capped exponential
 * backoff (100 ms doubling to 5 s; reset once a link stayed up for 5 s). An inherited descriptor
 * is never reopened: when its link ends the transport goes idle.
 *
 * <p>A path that cannot be opened at {@link #start} is an error, unless the transport was made with
 * {@code retryMissing} (qemu-ga's {@code -r/--retry-path}): then it is logged once and opened
 * with the same backoff until it appears, and the link reports {@code connected} as usual.
 */
abstract class DeviceTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");

    /** An opened descriptor. */
    record Opened(int fd, boolean socket) {}

    final IoLoop loop;
    final String path;
    private final String describe;
    private final int inheritedFd;
    private final boolean retryMissing;
    private final Backoff backoff = new Backoff(100, 5000);
    /** Passed to each link; told when it ends. */
    final FdLink.Owner owner = this::linkClosed;

    private Link.Handler handler;
    private boolean started;
    private volatile boolean closed;
    // loop-confined
    private FdLink current;
    private Future<?> reopenTimer;
    private boolean failureLogged;
    private boolean flapping; // the last link ended before the longest backoff (loop only)
    private boolean everOpened;

    /** @param retryMissing whether a path that cannot be opened at start is retried instead of failing start */
    DeviceTransport(String methodName, String path, IoLoop loop, boolean retryMissing) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException(methodName + ": a path is required");
        }
        this.loop = loop;
        this.path = path;
        this.describe = methodName + ":" + path;
        this.inheritedFd = FdSpec.parse(path);
        this.retryMissing = retryMissing;
    }

    /** open(2) flags for the path. */
    abstract int openFlags();

    /** Configures a freshly opened descriptor (e.g. termios); may throw to reject it. */
    void configure(int fd, boolean inherited) throws NativeException {}

    /** The link for an opened descriptor. */
    abstract FdLink newLink(Opened opened, Link.Handler handler);

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public synchronized void start(Link.Handler handler) throws IOException {
        if (started) {
            throw new IllegalStateException(describe + " already started");
        }
        if (closed) {
            throw new IOException(describe + " is closed");
        }
        this.handler = handler;
        Opened opened;
        try {
            opened = openNow();
        } catch (NativeException e) {
            if (!retryMissing || inheritedFd >= 0) { // a descriptor number never starts to exist
                throw ChannelOpenException.of(e);
            }
            started = true;
            LOG.warn("{}: cannot open: {}; retrying with backoff up to {} ms until it can be opened", describe,
                    e.getMessage(), backoff.maxMillis());
            loop.eventLoop().execute(() -> {
                failureLogged = true; // reopen() logs nothing more until it succeeds
                scheduleReopen();
            });
            return;
        }
        started = true;
        LOG.info("{}: opened", describe);
        loop.eventLoop().execute(() -> attach(opened));
    }

    private Opened openNow() throws NativeException {
        if (inheritedFd >= 0) {
            Posix.setNonBlockingCloexec(inheritedFd);
            boolean socket = Posix.socketType(inheritedFd) >= 0;
            configure(inheritedFd, true);
            return new Opened(inheritedFd, socket);
        }
        int fd = Posix.openFd(path, openFlags());
        try {
            configure(fd, false);
        } catch (NativeException e) {
            closeQuietly(fd);
            throw e;
        }
        return new Opened(fd, false); // open(2) never yields a socket
    }

    private void attach(Opened opened) {
        if (closed) {
            closeQuietly(opened.fd());
            return;
        }
        everOpened = true;
        try {
            current = newLink(opened, handler);
        } catch (Throwable t) { // e.g. OutOfMemoryError for the link's direct read buffer
            LOG.warn("{}: cannot set up the link: {}; retrying with backoff", describe, t.toString());
            closeQuietly(opened.fd());
            if (inheritedFd < 0) {
                scheduleReopen();
            }
            return;
        }
        current.attach();
    }

    private void linkClosed(FdLink link, boolean error) {
        if (link != current) {
            return;
        }
        current = null;
        if (closed || loop.isShuttingDown()) {
            return;
        }
        if (inheritedFd >= 0) {
            LOG.info("{}: inherited descriptor closed; not reopening", describe);
            return;
        }
        flapping = link.ageNanos() < TimeUnit.MILLISECONDS.toNanos(backoff.maxMillis());
        if (!flapping) {
            backoff.reset();
        }
        scheduleReopen();
    }

    private void scheduleReopen() {
        try {
            reopenTimer = loop.schedule(this::reopen, backoff.next());
        } catch (RejectedExecutionException e) {
            // the loop is shutting down
        }
    }

    private void reopen() {
        reopenTimer = null;
        if (closed) {
            return;
        }
        Opened opened;
        try {
            opened = openNow();
        } catch (NativeException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("{}: cannot reopen: {}; retrying with backoff up to {} ms", describe, e.getMessage(),
                        backoff.maxMillis());
            } else {
                LOG.debug("{}: reopen attempt {} failed: {}", describe, backoff.attempts(), e.getMessage());
            }
            scheduleReopen();
            return;
        }
        if (!everOpened || !flapping) {
            LOG.info(everOpened ? "{}: reopened" : "{}: opened", describe);
        } else { // its last link lived less than the longest backoff: one line a minute, not one per cycle
            FdLink.WARNINGS.warn("flapping:" + describe, "{}: reopened after its link ended within {} ms", describe,
                    backoff.maxMillis());
        }
        failureLogged = false;
        attach(opened);
    }

    /** Closes the device and its link ({@code disconnected} is reported); stops reopening. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (!started) {
                return;
            }
        }
        loop.runAndWait(() -> {
            if (reopenTimer != null) {
                reopenTimer.cancel(false);
                reopenTimer = null;
            }
            if (current != null) {
                current.shutdown();
            }
        });
        LOG.info("{}: closed", describe);
    }

    static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (NativeException e) {
            LOG.debug("close({}): {}", fd, e.getMessage());
        }
    }
}
