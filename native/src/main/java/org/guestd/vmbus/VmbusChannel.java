// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import org.guestd.transport.IoLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VMBus channel served on the agent's event loop: the UIO device's interrupt descriptor sleeps
 * in the loop's epoll set (level-triggered; nothing polls), and each wake-up consumes the
 * interrupt, takes every whole packet from the host-to-guest ring to the {@link Handler}, writes
 * the replies to the guest-to-host ring, and re-arms:
 *
 * <ol>
 *   <li>the interrupt mask belongs to user space (drivers since the 2025 stable updates no longer
 *       set it; older ones set it in their interrupt handler): when we signal the host or find the
 *       mask set, we write 1 (clears the mask, signals the host), then a full fence, then look at
 *       the ring again; only an empty ring lets us go back to sleep — a packet that came while the
 *       mask was set raised no interrupt and would otherwise wait forever;</li>
 *   <li>the host is signalled only when a reply made its ring non-empty while it listens, or when
 *       our reading freed the space it asked for ({@code pending_send_sz});</li>
 *   <li>when the guest-to-host ring is full, replies wait (with {@code pending_send_sz} set so the
 *       host interrupts once it made room) and no more requests are taken — nothing spins;</li>
 *   <li>a corrupt ring (indices out of range, a descriptor whose lengths make no sense) is logged
 *       once and skipped; a packet whose end is not yet published waits for the next interrupt.</li>
 * </ol>
 *
 * <p>EIO (or end of file on a test descriptor) means the channel was rescinded: the channel ends
 * and tells the handler once. Replies may be given from any thread: the answering thread writes its
 * reply into the guest-to-host ring itself under the TX lock (one hop fewer per request), unless an
 * earlier reply waits for room; the host-to-guest ring is read on the loop only.
 */
public final class VmbusChannel implements AutoCloseable {
    /** Requests handed out and not yet answered, at most; beyond it the ring is left to the host. */
    static final int MAX_IN_FLIGHT = 16;
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.vmbus");

    /** The protocol on the channel. Called on the event loop; must not block it. */
    public interface Handler {
        /** A packet from the host. Answer it, once, through {@code replies} (from any thread). */
        void received(VmbusPacket packet, Replies replies);

        /** The channel ended: {@code rescinded} when the host took it away (EIO), else closed by us. */
        void closed(boolean rescinded);
    }

    /** How a handler answers. */
    public interface Replies {
        /** Sends {@code payload} as the in-band reply to {@code request} (its transaction id echoed). */
        void reply(VmbusPacket request, byte[] payload);

        /** The request gets no reply (the protocol drops it). */
        void none(VmbusPacket request);
    }

    private final IoEventLoop loop;
    private final UioDevice device;
    private final Handler handler;
    private final FileDescriptor nettyFd;
    /**
     * Guards the guest-to-host ring, the replies waiting for room, the 4-byte writes and the
     * mapping's life: a worker may write its reply straight into the ring (saving the hop back to
     * the loop), and the loop unmaps only under it.
     */
    private final Object txLock = new Object();
    private final ArrayDeque<VmbusPacket> outbound = new ArrayDeque<>(); // guarded by txLock
    private IoRegistration registration; // loop-confined
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stalled; // the loop stopped taking requests at the in-flight limit
    private boolean ended; // guarded by txLock (read on the loop without it: only the loop sets it)
    private boolean txFullLogged; // guarded by txLock
    private boolean corruptLogged;
    private boolean incompleteLogged;
    private volatile boolean closeRequested;
    private long wakeups; // loop-confined, for tests and the idle measurement
    private long signals; // guarded by txLock
    private boolean signalPending; // loop-confined

    private VmbusChannel(IoLoop loop, UioDevice device, Handler handler) {
        this.loop = loop.eventLoop();
        this.device = device;
        this.handler = Objects.requireNonNull(handler);
        this.nettyFd = new FileDescriptor(device.eventFd());
    }

    /** Starts serving {@code device} on {@code loop}; the channel owns the device from now on. */
    public static VmbusChannel start(IoLoop loop, UioDevice device, Handler handler) {
        VmbusChannel c = new VmbusChannel(loop, device, handler);
        c.loop.execute(c::register);
        return c;
    }

    private void register() {
        if (closeRequested) {
            end(false);
            return;
        }
        loop.register(new Handle()).addListener(f -> {
            if (!f.isSuccess()) {
                LOG.warn("{}: cannot register with the event loop: {}", device.name(), f.cause().toString());
                end(false);
                return;
            }
            registration = (IoRegistration) f.getNow();
            if (closeRequested) {
                end(false);
                return;
            }
            registration.submit(EpollIoOps.EPOLLIN);
            service(true); // whatever came before we listened; unmasks
        });
    }

    private void onReadable() {
        wakeups++;
        try {
            device.consumeEvents();
        } catch (ChannelGoneException e) {
            LOG.warn("{}: channel gone ({}); waiting for the device to come back", device.name(), e.getMessage());
            end(true);
            return;
        } catch (IOException e) {
            LOG.warn("{}: reading the interrupt failed: {}; closing the channel", device.name(), e.getMessage());
            end(false);
            return;
        }
        service(false);
    }

    /**
     * One round: replies out, requests in (replying as they come), then unmask/signal and re-check
     * until the ring is quiet. After {@link #BUDGET} packets the rest waits for the next loop turn
     * (work, not spinning: other tasks on the loop get their share).
     */
    private void service(boolean first) {
        boolean mustArm = first;
        stalled = false;
        for (int iteration = 0; !ended; iteration++) {
            VmbusRing rx = device.rx();
            boolean signal = flushReplies();
            int taken = drainRequests();
            if (ended) {
                return;
            }
            signal |= signalPending;
            signalPending = false;
            signal |= rx.writerWantsSignal();
            boolean masked = rx.interruptMask() != 0;
            if (signal || masked || mustArm) {
                mustArm = false;
                if (!signalHost()) {
                    end(true);
                    return;
                }
                VarHandle.fullFence(); // the cleared mask is visible before we look at the ring again
            }
            boolean canTake = noReplyWaiting() && rx.readable() > 0;
            if (canTake && inFlight.get() >= MAX_IN_FLIGHT) {
                stalled = true; // published before the re-check: a worker answering now sees it and wakes us
                if (inFlight.get() >= MAX_IN_FLIGHT) {
                    return;
                }
                stalled = false;
            }
            if (!canTake) {
                return; // empty (or corrupt, replies waiting for room, at the in-flight limit): sleep
            }
            if (taken >= BUDGET) {
                execute(() -> service(false));
                return;
            }
            if (taken == 0 && iteration > 0) {
                return; // the re-check found no whole packet (one published halfway): wait for the next interrupt
            }
        }
    }

    /** Packets taken per loop turn at most. */
    static final int BUDGET = 256;

    /**
     * Takes whole packets while fewer than {@link #MAX_IN_FLIGHT} are unanswered and no reply waits
     * for room; replies given at once are written as they come. Returns how many were taken.
     */
    private int drainRequests() {
        VmbusRing rx = device.rx();
        int taken = 0;
        while (!ended && inFlight.get() < MAX_IN_FLIGHT && noReplyWaiting() && taken < BUDGET) {
            Object r = rx.read();
            if (r instanceof VmbusPacket p) {
                incompleteLogged = false;
                taken++;
                inFlight.incrementAndGet();
                try {
                    handler.received(p, replies);
                } catch (RuntimeException | Error e) {
                    LOG.warn("{}: handling {} failed: {}", device.name(), p, e.toString());
                    inFlight.decrementAndGet();
                }
                signalPending |= flushReplies();
            } else if (r == VmbusRing.Status.CORRUPT) {
                if (!corruptLogged) {
                    corruptLogged = true;
                    LOG.warn("{}: host-to-guest ring corrupt ({}); skipping what is in it (logged once)",
                            device.name(), rx.lastProblem());
                }
                rx.skipAll();
                return taken;
            } else {
                if (r == VmbusRing.Status.INCOMPLETE && !incompleteLogged) {
                    incompleteLogged = true;
                    LOG.warn("{}: {}; waiting for the rest", device.name(), rx.lastProblem());
                }
                return taken;
            }
        }
        return taken;
    }

    private boolean noReplyWaiting() {
        synchronized (txLock) {
            return outbound.isEmpty();
        }
    }

    /** The 4-byte write of 1 (unmask, signal the host); false when the channel is gone. */
    private boolean signalHost() {
        synchronized (txLock) {
            if (ended) {
                return true;
            }
            try {
                device.irqControl(true);
                signals++;
            } catch (ChannelGoneException e) {
                LOG.warn("{}: channel gone ({}); waiting for the device to come back", device.name(), e.getMessage());
                return false;
            } catch (IOException e) {
                LOG.warn("{}: signalling the host failed: {}", device.name(), e.getMessage());
            }
            return true;
        }
    }

    /** Writes queued replies; true when the host should be signalled. Stops at a full ring. */
    private boolean flushReplies() {
        synchronized (txLock) {
            return flushRepliesLocked();
        }
    }

    private boolean flushRepliesLocked() {
        boolean signal = false;
        VmbusRing tx = device.tx();
        while (!outbound.isEmpty()) {
            VmbusPacket p = outbound.peek();
            VmbusRing.WriteResult r;
            try {
                r = tx.write(p);
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: reply {} dropped: {}", device.name(), p, e.getMessage());
                outbound.poll();
                continue;
            }
            switch (r) {
                case FULL:
                    if (!txFullLogged) {
                        txFullLogged = true;
                        LOG.warn("{}: the host is not reading its ring (full); replies wait (logged once)",
                                device.name());
                    }
                    return signal; // pending_send_sz is set: the host interrupts us once it made room
                case CORRUPT:
                    LOG.warn("{}: guest-to-host ring corrupt ({}); reply {} dropped", device.name(),
                            tx.lastProblem(), p);
                    outbound.poll();
                    break;
                case WRITTEN_SIGNAL:
                    signal = true;
                    outbound.poll();
                    break;
                default:
                    outbound.poll();
                    break;
            }
        }
        txFullLogged = false;
        return signal;
    }

    private final Replies replies = new Replies() {
        @Override
        public void reply(VmbusPacket request, byte[] payload) {
            answered(VmbusPacket.replyTo(request, payload));
        }

        @Override
        public void none(VmbusPacket request) {
            answered(null);
        }
    };

    /**
     * A reply, from any thread. Written into the ring at once when no earlier reply waits for
     * room (and the host signalled if the ring was empty); else queued behind those. The loop is
     * woken only when it has something to do: a queued reply, or requests it left at the in-flight
     * limit.
     */
    private void answered(VmbusPacket p) {
        boolean needLoop;
        boolean gone = false;
        synchronized (txLock) {
            if (ended) {
                return;
            }
            if (p != null) {
                outbound.add(p);
            }
            boolean signal = flushRepliesLocked();
            if (signal) {
                try {
                    device.irqControl(true);
                    signals++;
                } catch (ChannelGoneException e) {
                    gone = true;
                } catch (IOException e) {
                    LOG.warn("{}: signalling the host failed: {}", device.name(), e.getMessage());
                }
            }
            needLoop = !outbound.isEmpty();
        }
        inFlight.decrementAndGet();
        if (gone) {
            execute(() -> {
                LOG.warn("{}: channel gone; waiting for the device to come back", device.name());
                end(true);
            });
        } else if ((needLoop || stalled) && !loop.inEventLoop()) {
            execute(() -> service(false)); // on the loop, the running service() sees the state itself
        }
    }

    private void execute(Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            // the loop is gone: the reply has nowhere to go
        }
    }

    /** Wake-ups of the interrupt descriptor so far (read on the loop, or after it stopped). */
    public long wakeups() {
        return wakeups;
    }

    /** 4-byte writes to the device so far. */
    public long signals() {
        synchronized (txLock) {
            return signals;
        }
    }

    /** Runs {@code r} on the channel's loop. */
    public void onLoop(Runnable r) {
        execute(r);
    }

    private void end(boolean rescinded) {
        synchronized (txLock) {
            if (ended) {
                return;
            }
            ended = true; // from now on no worker touches the rings
            outbound.clear();
        }
        if (registration != null) {
            try {
                registration.cancel(); // epoll_ctl(DEL) while the descriptor is still open
            } catch (Exception e) {
                LOG.debug("{}: cancel: {}", device.name(), e.toString());
            }
            registration = null;
        }
        synchronized (txLock) {
            device.close();
        }
        try {
            handler.closed(rescinded);
        } catch (RuntimeException e) {
            LOG.warn("{}: closing handler failed: {}", device.name(), e.toString());
        }
    }

    /** Stops serving and closes the device. Idempotent; safe from any thread. */
    @Override
    public void close() {
        closeRequested = true;
        if (loop.inEventLoop()) {
            end(false);
        } else if (loop.isShuttingDown()) {
            synchronized (txLock) {
                ended = true;
                device.close();
            }
        } else {
            execute(() -> end(false));
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
                LOG.warn("{}: event handling failed: {}", device.name(), t.toString());
                end(false);
            }
        }

        @Override
        public void close() {
            end(false);
        }
    }
}
