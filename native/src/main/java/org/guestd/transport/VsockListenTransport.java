// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.Vsock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening AF_VSOCK stream socket (qemu-ga's {@code vsock-listen}). Netty has no vsock channel
 * (its server channel cannot bind a VSockAddress and its socket channel applies TCP options), so
 * the socket is made with JNA and driven by an {@link EpollIoHandle}; every accepted connection is
 * an {@link FdLink} like the devices' (end of file = the client left).
 *
 * <p>Address {@code <cid>:<port>}: {@code cid} is usually {@code -1} (VMADDR_CID_ANY) and both are
 * unsigned 32-bit numbers; or {@code fd:N}, an inherited listening socket. Where the kernel has no
 * vsock, {@link #start} fails with {@code socket(AF_VSOCK) failed: EAFNOSUPPORT (...)}.
 */
public final class VsockListenTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");
    private static final int BACKLOG = 16;
    private static final long ACCEPT_PAUSE_MILLIS = 1000;

    private final IoLoop loop;
    private final String address;
    private final int cid;
    private final int port;
    private final int inheritedFd;
    private final AtomicInteger counter = new AtomicInteger();
    private final Set<FdLink> links = new LinkedHashSet<>(); // loop-confined

    private Link.Handler handler;
    private boolean started;
    private volatile boolean closed;
    private int listenFd = -1;
    private FileDescriptor nettyFd;
    private IoRegistration registration;
    private boolean acceptErrorLogged;

    /**
     * @param address {@code <cid>:<port>} or {@code fd:N}
     * @throws IllegalArgumentException for a malformed address
     */
    public VsockListenTransport(String address, IoLoop loop) {
        this.loop = loop;
        this.address = address;
        this.inheritedFd = FdSpec.parse(address);
        if (inheritedFd >= 0) {
            cid = Vsock.CID_ANY;
            port = Vsock.PORT_ANY;
            return;
        }
        int colon = address.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            cid = parseU32(address.substring(0, colon));
            port = parseU32(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid vsock address '" + address + "', expected <cid>:<port>");
        }
    }

    private static int parseU32(String s) {
        return s.equals("-1") ? -1 : Integer.parseUnsignedInt(s);
    }

    @Override
    public String describe() {
        return Method.VSOCK_LISTEN.wireName() + ":" + address;
    }

    /** The bound port (useful with port {@code -1}, VMADDR_PORT_ANY); valid after {@link #start}. */
    public int boundPort() throws NativeException {
        return Vsock.localPort(listenFd);
    }

    @Override
    public synchronized void start(Link.Handler handler) throws IOException {
        if (started) {
            throw new IllegalStateException(describe() + " already started");
        }
        this.handler = handler;
        if (inheritedFd >= 0) {
            Posix.setNonBlockingCloexec(inheritedFd);
            listenFd = inheritedFd;
        } else {
            listenFd = Vsock.listen(cid, port, BACKLOG);
        }
        nettyFd = new FileDescriptor(listenFd);
        started = true;
        loop.eventLoop().execute(this::register);
        LOG.info("{}: listening", describe());
    }

    private void register() {
        if (closed) {
            return;
        }
        loop.eventLoop().register(new ListenHandle()).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.error("{}: cannot register with the event loop: {}", describe(), f.cause().toString());
                return;
            }
            registration = (IoRegistration) f.getNow();
            submit(EpollIoOps.EPOLLIN);
        });
    }

    private void submit(EpollIoOps ops) {
        try {
            if (registration != null && registration.isValid()) {
                registration.submit(ops);
            }
        } catch (Exception e) {
            LOG.warn("{}: epoll_ctl: {}", describe(), e.toString());
        }
    }

    private void acceptAll() {
        while (!closed) {
            int fd;
            try {
                fd = Vsock.accept(listenFd);
            } catch (NativeException e) {
                // EMFILE and friends stay pending on a level-triggered fd: pause instead of spinning
                pauseAccepting(e.getMessage());
                return;
            }
            if (fd < 0) {
                return;
            }
            acceptErrorLogged = false;
            String name = "vsock:" + address + "#" + counter.incrementAndGet();
            FdLink link;
            try {
                link = new FdLink(loop, fd, name, false, true, FdLink.EofPolicy.PEER_GONE,
                        FdLink.STREAM_CHUNK, handler, (l, error) -> links.remove(l));
            } catch (Throwable t) { // e.g. OutOfMemoryError for its direct read buffer
                DeviceTransport.closeQuietly(fd);
                pauseAccepting(name + ": cannot set up the link: " + t);
                return;
            }
            links.add(link);
            link.attach();
        }
    }

    /** Stops accepting for a while (what is pending stays pending: no spinning); logs once. */
    private void pauseAccepting(String why) {
        if (!acceptErrorLogged) {
            acceptErrorLogged = true;
            LOG.warn("{}: {}; pausing accept for {} ms", describe(), why, ACCEPT_PAUSE_MILLIS);
        }
        submit(EpollIoOps.NONE);
        loop.schedule(() -> submit(EpollIoOps.EPOLLIN), ACCEPT_PAUSE_MILLIS);
    }

    /** Stops listening and closes every accepted link ({@code disconnected} for each). Idempotent. */
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
            if (registration != null) {
                try {
                    registration.cancel();
                } catch (Exception e) {
                    LOG.debug("{}: cancel: {}", describe(), e.toString());
                }
            }
            try {
                nettyFd.close();
            } catch (IOException e) {
                LOG.debug("{}: close: {}", describe(), e.toString());
            }
            for (FdLink l : List.copyOf(links)) {
                l.shutdown();
            }
            links.clear();
        });
        LOG.info("{}: closed", describe());
    }

    private final class ListenHandle implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return nettyFd;
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            try {
                acceptAll();
            } catch (Throwable t) { // never into Netty: it would end the loop thread on an Error
                pauseAccepting("accept failed: " + t);
            }
        }

        @Override
        public void close() throws IOException {
            nettyFd.close(); // the event loop is going away; closing twice is harmless
        }
    }
}
