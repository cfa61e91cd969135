// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.jna.linux.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xenstore device of a Xen guest ({@code /dev/xen/xenbus}, {@code /proc/xen/xenbus}) or an
 * inherited {@code fd:N} standing in for it (one end of a SOCK_STREAM socketpair whose other end is
 * a xenstored emulator). Reads are a byte stream: the kernel hands out queued replies and watch
 * events as whole {@code xsd_sockmsg}s, but one read may carry several, so the protocol module
 * frames them. Writes are messages: each {@link Link#write} is exactly one write(2), because
 * {@code xenbus_dev_frontend.c} takes one message per write and drops whatever follows it.
 *
 * <p>The kernel refuses some messages at write(2) time with an errno instead of a reply (an
 * XS_WATCH that xenstored rejects, an oversized message): such a message is dropped and, when the
 * handler is a {@link RefusalHandler}, reported to it with the errno; the link stays open. On a
 * socket every write error means the peer is gone.
 *
 * <p>One open, one link: when the link ends (device error, end of file, peer closed,
 * {@link Link#close()}) the transport is done and {@code disconnected} is reported. Reconnecting
 * with backoff is the protocol module's job (it makes a new transport), which keeps the policy for
 * an inherited descriptor (never reopened) with the one who knows where it came from.
 */
public final class XenbusTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");

    /** Told about messages the device refused at write time. */
    public interface RefusalHandler extends Link.Handler {
        /**
         * The device refused {@code message} (the whole message as written, read-only) with the
         * Linux errno {@code errno} ({@code errnoName}, e.g. "EINVAL"); nothing will be read back for
         * it. Called on the event loop. (Numbers, not native's exception: protocol modules see no
         * {@code org.guestd.jna} type.)
         */
        void refused(Link link, ByteBuffer message, int errno, String errnoName);
    }

    /**
     * Where libxenstore's {@code xs_domain_dev()} finds the device on Linux: {@code <dev>/xen/xenbus}
     * when it exists, else {@code <proc>/xen/xenbus} (xenfs on older kernels), else empty.
     */
    public static Optional<Path> defaultDevice(Path devRoot, Path procRoot) {
        Path dev = devRoot.resolve("xen/xenbus");
        if (Files.exists(dev)) {
            return Optional.of(dev);
        }
        Path proc = procRoot.resolve("xen/xenbus");
        return Files.exists(proc) ? Optional.of(proc) : Optional.empty();
    }

    private final String path;
    private final IoLoop loop;
    private final int inheritedFd;
    private final String describe;
    private boolean started;
    private volatile boolean closed;
    private volatile XenbusLink link;

    /**
     * @param path the device path, or {@code fd:N} for an inherited stream descriptor
     * @throws IllegalArgumentException for an empty path or a malformed {@code fd:N}
     */
    public XenbusTransport(String path, IoLoop loop) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("xenbus: a path is required");
        }
        this.path = path;
        this.loop = loop;
        this.inheritedFd = FdSpec.parse(path);
        this.describe = "xenbus:" + path;
    }

    @Override
    public String describe() {
        return describe;
    }

    /**
     * Opens the device (O_RDWR, non-blocking, close-on-exec) or adopts the inherited descriptor and
     * reports {@code connected} on the event loop.
     *
     * @throws IOException the open failed (e.g. {@code ENOENT}: not a Xen guest)
     */
    @Override
    public synchronized void start(Link.Handler handler) throws IOException {
        if (started) {
            throw new IllegalStateException(describe + " already started");
        }
        if (closed) {
            throw new IOException(describe + " is closed");
        }
        started = true;
        int fd;
        boolean socket;
        if (inheritedFd >= 0) {
            Posix.setNonBlockingCloexec(inheritedFd);
            socket = Posix.socketType(inheritedFd) >= 0;
            fd = inheritedFd;
        } else {
            fd = Posix.openFd(path, Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
            socket = false;
        }
        LOG.info("{}: opened", describe);
        XenbusLink l = new XenbusLink(loop.eventLoop(), fd, describe, socket, handler);
        link = l;
        loop.eventLoop().execute(() -> {
            if (closed) {
                l.shutdown();
            } else {
                l.attach();
            }
        });
    }

    /** Closes the device; {@code disconnected} is reported if the link was up. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        XenbusLink l = link;
        if (l != null) {
            loop.runAndWait(l::shutdown);
            LOG.info("{}: closed", describe);
        }
    }
}
