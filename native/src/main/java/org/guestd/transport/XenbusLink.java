// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.nio.ByteBuffer;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link of a {@link XenbusTransport}: stream reads, one write(2) per queued message, per-message
 * refusals. Level-triggered epoll: EPOLLIN always, EPOLLOUT while messages are queued. Event loop
 * only, except {@link #write} and {@link #close}.
 */
final class XenbusLink implements Link {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");
    private static final int EPOLLIN = EpollIoOps.EPOLLIN.value();
    private static final int EPOLLOUT = EpollIoOps.EPOLLOUT.value();
    private static final int EPOLLERR = EpollIoOps.EPOLLERR.value();
    private static final int EPOLLRDHUP = EpollIoOps.EPOLLRDHUP.value();
    private static final int EPOLLHUP = 0x010;
    private static final int READ_BUFFER = 64 * 1024;
    /** xenbus_dev_frontend.c buffers one message of at most XENSTORE_PAYLOAD_MAX bytes, header included. */
    private static final int WRITE_BUFFER = 4096;
    private static final int MAX_READS_PER_EVENT = 16;

    private final IoEventLoop loop;
    private final int fd;
    private final FileDescriptor nettyFd;
    private final String describe;
    private final boolean socket;
    private final Link.Handler handler;
    private final OutboundQueue out = new OutboundQueue(OutboundQueue.DEFAULT_LIMIT);
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(READ_BUFFER);
    private ByteBuffer writeBuf = ByteBuffer.allocateDirect(WRITE_BUFFER);
    /** Bytes of the head message already written (a socket may take part of it). */
    private int headWritten;

    private volatile boolean open;
    private volatile boolean closeRequested;
    private boolean ended;
    private IoRegistration registration;
    private int interest = -1;
    private boolean failureLogged;

    XenbusLink(IoEventLoop loop, int fd, String describe, boolean socket, Link.Handler handler) {
        this.loop = loop;
        this.fd = fd;
        this.nettyFd = new FileDescriptor(fd);
        this.describe = describe;
        this.socket = socket;
        this.handler = handler;
    }

    /** Registers with the loop and reports {@code connected}. Loop only. */
    void attach() {
        loop.register(new Handle()).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.warn("{}: cannot register with the event loop: {}", describe, f.cause().toString());
                end(false);
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (closeRequested) {
                end(false);
                return;
            }
            open = true;
            updateInterest();
            if (!open) {
                return; // epoll refused the descriptor: ended, disconnected reported
            }
            safe("connected", () -> handler.connected(this));
            if (open) {
                flush();
                updateInterest();
            }
        });
    }

    @Override
    public void write(ByteBuffer data) {
        if (closeRequested || !out.add(data, describe)) {
            return;
        }
        if (out.claimDrain()) {
            loop.execute(() -> {
                out.drainStarted();
                if (open) {
                    flush();
                    updateInterest();
                }
            });
        }
    }

    @Override
    public long pendingWriteBytes() {
        return out.pendingBytes();
    }

    @Override
    public void close() {
        closeRequested = true;
        if (loop.inEventLoop()) {
            end(true);
        } else {
            loop.execute(() -> end(true));
        }
    }

    @Override
    public boolean isOpen() {
        return open && !closeRequested;
    }

    @Override
    public String describe() {
        return describe;
    }

    /** Ends the link from the transport (close, or closed before it was attached). Loop only. */
    void shutdown() {
        closeRequested = true;
        end(true);
    }

    private void onEvent(int ops) {
        if (!open) {
            return;
        }
        if ((ops & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0) {
            readSome(ops);
        }
        if (open && (ops & (EPOLLOUT | EPOLLERR)) != 0) {
            flush();
        }
        if (open) {
            updateInterest();
        }
    }

    private void readSome(int ops) {
        for (int i = 0; i < MAX_READS_PER_EVENT && open && !closeRequested; i++) {
            readBuf.clear();
            int n;
            try {
                n = Posix.read(fd, readBuf);
            } catch (NativeException e) {
                fail(e.getMessage());
                return;
            }
            if (n == 0) { // would block
                if ((ops & (EPOLLHUP | EPOLLERR)) != 0) {
                    fail("hangup");
                }
                return;
            }
            if (n < 0) {
                if (socket) {
                    LOG.info("{}: peer closed", describe);
                    end(true);
                } else {
                    fail("unexpected end of file");
                }
                return;
            }
            readBuf.flip();
            ByteBuffer view = readBuf.asReadOnlyBuffer();
            safe("received", () -> handler.received(this, view));
        }
    }

    /** Writes queued messages, one write(2) each, until done or the fd would block. */
    private void flush() {
        ByteBuffer head;
        while (open && (head = out.peek()) != null) {
            int len = head.remaining();
            if (writeBuf.capacity() < len) {
                writeBuf = ByteBuffer.allocateDirect(len);
            }
            writeBuf.clear();
            ByteBuffer src = head.duplicate();
            src.position(src.position() + headWritten);
            writeBuf.put(src).flip();
            int n;
            try {
                n = Posix.write(fd, writeBuf);
            } catch (NativeException e) {
                if (socket || headWritten > 0 || deviceGone(e.errno())) {
                    fail(e.getMessage());
                    return;
                }
                out.remove();
                refused(head, e);
                continue;
            }
            if (n == 0 && len - headWritten > 0) {
                return; // EPOLLOUT will call again
            }
            headWritten += n;
            if (headWritten < len) {
                if (!socket) {
                    LOG.warn("{}: short write of a message: {} of {} bytes", describe, headWritten, len);
                } else {
                    continue; // a stream socket took part of it: write the rest
                }
            }
            headWritten = 0;
            out.remove();
        }
    }

    /** EIO, ENXIO, EBADF, ENODEV, EPIPE (asm-generic numbers): the device itself failed, not the message. */
    private static boolean deviceGone(int errno) {
        return errno == 5 || errno == 6 || errno == 9 || errno == 19 || errno == 32;
    }

    private void refused(ByteBuffer message, NativeException e) {
        LOG.debug("{}: message refused: {}", describe, e.getMessage());
        if (handler instanceof XenbusTransport.RefusalHandler) {
            ByteBuffer view = message.asReadOnlyBuffer();
            safe("refused", () -> ((XenbusTransport.RefusalHandler) handler).refused(this, view, e.errno(), e.errnoName()));
        }
    }

    private void updateInterest() {
        if (!open || registration == null) {
            return;
        }
        int want = EPOLLIN | (out.isEmpty() ? 0 : EPOLLOUT);
        if (want != interest) {
            interest = want;
            try {
                registration.submit(EpollIoOps.valueOf(want));
            } catch (Exception e) {
                fail("epoll_ctl: " + e);
            }
        }
    }

    private void fail(String why) {
        LOG.warn("{}: {}; closing", describe, why);
        end(true);
    }

    private void end(boolean notify) {
        if (ended) {
            return;
        }
        ended = true;
        boolean wasOpen = open;
        open = false;
        closeRequested = true;
        if (registration != null) {
            try {
                registration.cancel();
            } catch (Exception e) {
                LOG.debug("{}: cancel: {}", describe, e.toString());
            }
        }
        try {
            nettyFd.close();
        } catch (Exception e) {
            LOG.debug("{}: close: {}", describe, e.toString());
        }
        out.clear();
        if (notify && wasOpen) {
            safe("disconnected", () -> handler.disconnected(this));
        }
    }

    private void safe(String callback, Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            if (!failureLogged) {
                failureLogged = true;
                HandlerFailure.log(describe, "the " + callback + " handler", t);
            }
            end(true);
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
                onEvent(((EpollIoEvent) event).ops().value());
            } catch (Throwable t) { // never into Netty: an Error would end the loop thread
                if (!failureLogged) {
                    failureLogged = true;
                    HandlerFailure.log(describe, "event handling", t);
                }
                end(true);
            }
        }

        @Override
        public void close() {
            end(true);
        }
    }

    @Override
    public String toString() {
        return describe;
    }
}
