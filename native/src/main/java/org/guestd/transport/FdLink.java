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
import org.guestd.core.log.HostWarnings;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} over one non-blocking file descriptor on the epoll loop (Netty 4.2
 * {@link EpollIoHandle}): a device (virtio-serial port, UART, pty, hv char device), an accepted
 * vsock socket or an inherited fd. All reading and queueing of the fd transports is here, the
 * writing in its {@link FdWriter}.
 *
 * <p>Level-triggered normally: EPOLLIN always, EPOLLOUT while bytes are queued. Reads per event are
 * bounded, so one busy link cannot starve the loop. What end of file means is the
 * {@link EofPolicy}'s decision. In {@link EofPolicy#HOST_ABSENT} mode (virtio-serial without a
 * host: read() = 0 and a level-triggered EPOLLHUP that never clears) the registration switches to
 * edge-triggered, so the loop does not spin, and reads/flushes are retried on the next edge or
 * after a capped backoff (100 ms to 1 s, {@link HostPresence}), whichever comes first.
 *
 * <p>Reading pauses (EPOLLIN left out of the interest set) while the owner asked for it ({@link
 * #pauseReading}) or while more than {@link Link#READ_PAUSE_ABOVE_BYTES} of writes wait; a hangup
 * or error is still reported by epoll then and handled as the {@link EofPolicy} says, so a paused
 * link never spins on it.
 */
final class FdLink implements Link {
    /** How a read of 0 bytes (end of file) is handled. */
    enum EofPolicy {
        /** virtio-serial/UART: no host right now; keep the link, wait for it. EOF with EPOLLERR is an error. */
        HOST_ABSENT,
        /** A socket: the peer closed; the link ends normally. */
        PEER_GONE,
        /** A message char device: EOF is unexpected; the link ends with an error (the transport reopens). */
        DEVICE_GONE
    }

    /** Told when the link ended, after {@code disconnected}. */
    interface Owner {
        void linkClosed(FdLink link, boolean error);
    }

    static final int STREAM_CHUNK = 64 * 1024;
    /**
     * Most bytes one read of a byte stream takes: qemu-ga's 4 KiB ({@code QGA_READ_COUNT_DEFAULT}),
     * so that what one read can make the handler produce (82 bytes of error reply per stray byte)
     * stays small before a pause takes effect between reads.
     */
    static final int STREAM_READ = Link.STREAM_READ_BYTES;
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");
    /** Device failures and oversized messages: one line a minute per device, with a count. */
    static final HostWarnings WARNINGS = new HostWarnings(LOG);
    private static final int EPOLLIN = EpollIoOps.EPOLLIN.value();
    private static final int EPOLLOUT = EpollIoOps.EPOLLOUT.value();
    private static final int EPOLLERR = EpollIoOps.EPOLLERR.value();
    private static final int EPOLLRDHUP = EpollIoOps.EPOLLRDHUP.value();
    private static final int EPOLLET = EpollIoOps.EPOLLET.value();
    private static final int EPOLLHUP = 0x010; // not among Netty's constants; same on every Linux arch
    private static final int MAX_READS_PER_EVENT = 16;

    private final IoEventLoop loop;
    private final IoLoop io; // delays and link age
    private final int fd;
    private final FileDescriptor nettyFd;
    private final String describe;
    private final boolean messages;
    private final boolean socket;
    private final EofPolicy eofPolicy;
    private final Link.Handler handler;
    private final Owner owner;
    private final OutboundQueue out = new OutboundQueue(OutboundQueue.DEFAULT_LIMIT);
    private final ByteBuffer readBuf;
    private final FdWriter writer;
    private final HostPresence presence;

    private volatile boolean open;
    private volatile boolean closeRequested;
    private volatile boolean ownerPaused;
    private volatile boolean outputPaused; // written on the loop only
    private boolean ended;
    private IoRegistration registration;
    private int interest = -1;
    private boolean failureLogged;
    private final long createdNanos;
    /** Read bursts so far (tests use it to prove the loop does not spin on a hangup). */
    volatile long readCalls;

    /**
     * @param messages true: one read is one message, one write one message (buffers of
     *     {@code bufferSize}); false: a byte stream
     * @param socket whether {@code fd} is a socket (messages then use recv(MSG_TRUNC) to spot oversize ones)
     */
    FdLink(IoLoop loop, int fd, String describe, boolean messages, boolean socket, EofPolicy eofPolicy,
            int bufferSize, Link.Handler handler, Owner owner) {
        this.loop = loop.eventLoop();
        this.io = loop;
        this.createdNanos = loop.nanoTime();
        this.fd = fd;
        this.nettyFd = new FileDescriptor(fd);
        this.describe = describe;
        this.messages = messages;
        this.socket = socket;
        this.eofPolicy = eofPolicy;
        this.handler = handler;
        this.owner = owner;
        this.readBuf = ByteBuffer.allocateDirect(messages ? bufferSize : Math.min(bufferSize, STREAM_READ));
        this.writer = new FdWriter(fd, messages, messages ? bufferSize : STREAM_CHUNK, describe, out);
        this.presence = new HostPresence(loop, describe, () -> open, this::retryWhileAbsent);
    }

    /** Registers the fd with the loop and reports {@code connected}. Call on the loop. */
    void attach() {
        loop.register(new Handle()).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.warn("{}: cannot register with the event loop: {}", describe, f.cause().toString());
                end(true, false);
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (closeRequested) { // closed before it was ever connected: no events at all
                end(false, false);
                return;
            }
            open = true;
            updateInterest();
            LOG.debug("{}: connected", describe);
            safe("connected", () -> handler.connected(this));
            if (open) {
                flush();
                updateInterest();
            }
        });
    }

    @Override
    public void write(ByteBuffer data) {
        if (closeRequested) {
            return; // dropped, as documented
        }
        if (!out.add(data, describe)) {
            return;
        }
        if (out.claimDrain()) {
            loop.execute(() -> {
                out.drainStarted();
                if (open) {
                    flush();
                    pauseForOutput();
                    updateInterest();
                }
            });
        } else if (!outputPaused && out.pendingBytes() > READ_PAUSE_ABOVE_BYTES) {
            onLoop(() -> {
                if (open) {
                    pauseForOutput();
                    updateInterest();
                }
            });
        }
    }

    /** Stops reading while more than the budget waits for the peer (loop only; then updateInterest). */
    private void pauseForOutput() {
        if (!outputPaused && out.pendingBytes() > READ_PAUSE_ABOVE_BYTES) {
            outputPaused = true;
        }
    }

    @Override
    public void close() {
        closeRequested = true;
        if (loop.inEventLoop()) {
            end(false, true);
        } else {
            loop.execute(() -> end(false, true));
        }
    }

    @Override
    public long pendingWriteBytes() {
        return out.pendingBytes();
    }

    @Override
    public boolean isOpen() {
        return open && !closeRequested;
    }

    @Override
    public void pauseReading() {
        ownerPaused = true;
        onLoop(this::updateInterest);
    }

    @Override
    public void resumeReading() {
        ownerPaused = false;
        onLoop(this::updateInterest);
    }

    @Override
    public boolean isReading() {
        return isOpen() && !readPaused();
    }

    private boolean readPaused() {
        return ownerPaused || outputPaused;
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    @Override
    public String describe() {
        return describe;
    }

    /** Nanoseconds since this link was created (for the owner's backoff decisions). */
    long ageNanos() {
        return io.nanoTime() - createdNanos;
    }

    /** Ends the link from the owner (transport close): fires {@code disconnected}; no error. */
    void shutdown() {
        closeRequested = true;
        end(false, true);
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
        pauseForOutput(); // the peer does not read what it asked for: stop reading it
        if (readPaused()) {
            if ((ops & (EPOLLHUP | EPOLLERR)) != 0) {
                hangupWhilePaused(ops);
            }
            return;
        }
        readCalls++;
        for (int i = 0; i < MAX_READS_PER_EVENT && open && !closeRequested && !readPaused(); i++) {
            readBuf.clear();
            int n;
            try {
                n = messages && socket ? Posix.recv(fd, readBuf, Posix.MSG_TRUNC) : Posix.read(fd, readBuf);
            } catch (NativeException e) {
                fail(e.getMessage());
                return;
            }
            if (n == 0) { // EAGAIN
                if (presence.isAbsent() && (ops & (EPOLLHUP | EPOLLERR)) == 0) {
                    presence.present();
                } else if (!presence.isAbsent() && (ops & (EPOLLHUP | EPOLLERR)) != 0) {
                    // a hangup that reads cannot clear: never spin on it
                    if (eofPolicy == EofPolicy.HOST_ABSENT) {
                        hostAbsent();
                    } else {
                        fail("hangup");
                    }
                }
                return;
            }
            if (n < 0) {
                endOfFile(ops);
                return;
            }
            presence.present();
            if (n > readBuf.capacity()) {
                oversize(n);
                continue;
            }
            readBuf.flip();
            ByteBuffer view = readBuf.asReadOnlyBuffer();
            safe("received", () -> handler.received(this, view));
            pauseForOutput();
        }
    }

    /**
     * A hangup or error while reading is paused: what reading would have found at the end, without
     * reading what is still buffered (the peer is gone, or the host went away).
     */
    private void hangupWhilePaused(int ops) {
        switch (eofPolicy) {
            case HOST_ABSENT:
                if ((ops & EPOLLERR) != 0) {
                    fail("hangup (EPOLLERR)");
                } else if (!presence.isAbsent()) {
                    hostAbsent();
                }
                break;
            case PEER_GONE:
                LOG.debug("{}: peer hung up", describe);
                end(false, true);
                break;
            default:
                fail("hangup");
                break;
        }
    }

    private void endOfFile(int ops) {
        switch (eofPolicy) {
            case HOST_ABSENT:
                if ((ops & EPOLLERR) != 0) {
                    fail("hangup (end of file with EPOLLERR)");
                } else {
                    hostAbsent();
                }
                break;
            case PEER_GONE:
                LOG.debug("{}: peer closed", describe);
                end(false, true);
                break;
            default:
                fail("unexpected end of file");
                break;
        }
    }

    private void oversize(int n) {
        WARNINGS.warn("oversize:" + describe, "{}: dropped a {}-byte message, larger than the {}-byte buffer", describe,
                n, readBuf.capacity());
    }

    /** Writes queued data until done or EAGAIN. */
    private void flush() {
        try {
            if (writer.flush()) {
                presence.present();
            }
        } catch (NativeException e) {
            fail(e.getMessage());
            return;
        }
        if (outputPaused && out.pendingBytes() <= READ_RESUME_BELOW_BYTES) {
            outputPaused = false; // updateInterest() after every flush puts EPOLLIN back
        }
    }

    private void hostAbsent() {
        presence.absent();
        updateInterest();
    }

    /** The host was absent for a backoff period: read and flush as an epoll edge would. */
    private void retryWhileAbsent() {
        readSome(0);
        if (open) {
            flush();
        }
        if (open) {
            updateInterest();
        }
    }

    private void updateInterest() {
        if (!open || registration == null) {
            return;
        }
        int in = readPaused() ? 0 : EPOLLIN;
        int want = presence.isAbsent() ? (in | EPOLLOUT | EPOLLET) : (in | (out.isEmpty() ? 0 : EPOLLOUT));
        if (want == 0) {
            // paused with nothing to write: Netty would take the fd out of epoll for "no events",
            // and a hangup would go unseen; edge-triggered nothing still reports it, once
            want = EPOLLET;
        }
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
        WARNINGS.warn("fail:" + describe, "{}: {}; closing", describe, why); // a flapping device: once a minute
        end(true, true);
    }

    /** Ends the link once: unregisters, closes the fd, reports {@code disconnected}, tells the owner. */
    private void end(boolean error, boolean notify) {
        if (ended) {
            return;
        }
        ended = true;
        boolean wasOpen = open;
        open = false;
        closeRequested = true;
        presence.cancel();
        if (registration != null) {
            try {
                registration.cancel(); // epoll_ctl(DEL) while the fd is still open
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
            LOG.debug("{}: disconnected", describe);
            safe("disconnected", () -> handler.disconnected(this));
        }
        owner.linkClosed(this, error);
    }

    /**
     * Runs a handler callback. Whatever it throws (a StackOverflowError or OutOfMemoryError too)
     * stays here: logged once, and the link ends (the owner reopens a device as usual).
     */
    private void safe(String callback, Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            failed("the " + callback + " handler", t);
        }
    }

    private void failed(String what, Throwable t) {
        if (!failureLogged) {
            failureLogged = true;
            HandlerFailure.log(describe, what, t);
        }
        end(true, true); // no-op when already ending (a throwing disconnected)
    }

    /** The Netty side: the fd and its events. */
    private final class Handle implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return nettyFd;
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            try {
                onEvent(((EpollIoEvent) event).ops().value());
            } catch (Throwable t) { // never into Netty: it would end the loop thread on an Error
                failed("event handling", t);
            }
        }

        @Override
        public void close() {
            end(false, true); // the event loop is shutting down
        }
    }

    @Override
    public String toString() {
        return describe;
    }
}
