// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening Unix domain stream socket (qemu-ga's {@code unix-listen}) on Netty's
 * {@link EpollServerDomainSocketChannel}. Every accepted client is its own {@link Link}; a client
 * closing ends its link ({@code disconnected}) and the transport keeps listening.
 *
 * <p>Path: a file system path (a stale socket there is removed first; anything else there is an
 * error; the new socket gets mode 0600 and is removed on {@link #close()}), {@code @name} for the
 * Linux abstract namespace, or {@code fd:N}, an inherited listening socket (socket activation).
 * {@link #start} binds synchronously, so it must not be called on the event loop thread.
 */
public final class UnixListenTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final IoLoop loop;
    private final String path;
    private final int inheritedFd;
    private final AtomicInteger counter = new AtomicInteger();
    private final Set<ChannelLink> links = ConcurrentHashMap.newKeySet();

    private boolean started;
    private volatile boolean closed;
    private Channel server;
    private Path socketFile;

    /** @param path a socket path, {@code @abstract-name} or {@code fd:N} */
    public UnixListenTransport(String path, IoLoop loop) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("unix-listen: a path is required");
        }
        this.loop = loop;
        this.path = path;
        this.inheritedFd = FdSpec.parse(path);
    }

    @Override
    public String describe() {
        return Method.UNIX_LISTEN.wireName() + ":" + path;
    }

    @Override
    public synchronized void start(Link.Handler handler) throws IOException {
        if (started) {
            throw new IllegalStateException(describe() + " already started");
        }
        if (loop.inLoop()) {
            throw new IllegalStateException("start() must not be called on the event loop thread");
        }
        ServerBootstrap b = new ServerBootstrap().group(loop.eventLoop())
                // reads of at most Link.STREAM_READ_BYTES, as the fd links
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(64, 1024, Link.STREAM_READ_BYTES))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelLink link = new ChannelLink(ch, "unix:" + path + "#" + counter.incrementAndGet(),
                                handler, links::remove);
                        links.add(link);
                        ch.pipeline().addLast(link);
                    }
                });
        ChannelFuture f;
        if (inheritedFd >= 0) {
            b.channelFactory(() -> new EpollServerDomainSocketChannel(inheritedFd, true));
            f = b.register();
        } else {
            b.channel(EpollServerDomainSocketChannel.class);
            DomainSocketAddress address;
            if (path.startsWith("@")) {
                address = new DomainSocketAddress("\0" + path.substring(1));
            } else {
                socketFile = Path.of(path);
                removeStaleSocket(socketFile);
                address = new DomainSocketAddress(path);
            }
            f = b.bind(address);
        }
        if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS) || !f.isSuccess()) {
            Throwable cause = f.cause();
            f.channel().close();
            throw new IOException(describe() + ": cannot listen: " + (cause == null ? "timed out" : cause.getMessage()),
                    cause);
        }
        server = f.channel();
        started = true;
        if (socketFile != null) {
            Files.setPosixFilePermissions(socketFile, PosixFilePermissions.fromString("rw-------"));
        }
        LOG.info("{}: listening", describe());
    }

    private static void removeStaleSocket(Path p) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(p + " exists and is not a socket");
        }
        Files.delete(p);
        LOG.debug("removed stale socket {}", p);
    }

    /** The number of connected clients (for diagnostics and tests). */
    public int clientCount() {
        return links.size();
    }

    /** Stops listening, closes every client ({@code disconnected} for each) and removes the socket file. */
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
        ChannelFuture closing = server.close();
        if (!loop.inLoop()) {
            closing.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (ChannelLink l : List.copyOf(links)) {
            l.close();
        }
        if (socketFile != null) {
            try {
                removeStaleSocket(socketFile);
            } catch (IOException e) {
                LOG.debug("{}: not removing {}: {}", describe(), socketFile, e.getMessage());
            }
        }
        LOG.info("{}: closed", describe());
    }
}
