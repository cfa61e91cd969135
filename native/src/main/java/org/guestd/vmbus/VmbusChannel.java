// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Objects;
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
 * and tells the handler once. Replies may be given from any thread; everything that touches the
 * rings runs on the loop.
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
    private final ArrayDeque<VmbusPacket> outbound = new ArrayDeque<>(); // loop-confined
    private IoRegistration registration; // loop-confined
    private int inFlight; // loop-confined
    private boolean ended; // loop-confined
    private boolean txFullLogged;
    private boolean corruptLogged;
    private boolean incompleteLogged;
    private volatile boolean closeRequested;
    private long wakeups; // loop-confined, for tests and the idle measurement
    private long signals; // loop-confined
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
                try {
                    device.irqControl(true); // clears the mask, signals the host
                    signals++;
                } catch (ChannelGoneException e) {
                    LOG.warn("{}: channel gone ({}); waiting for the device to come back", device.name(), e.getMessage());
                    end(true);
                    return;
                } catch (IOException e) {
                    LOG.warn("{}: signalling the host failed: {}", device.name(), e.getMessage());
                }
                VarHandle.fullFence(); // the cleared mask is visible before we look at the ring again
            }
            boolean canTake = outbound.isEmpty() && inFlight < MAX_IN_FLIGHT && rx.readable() > 0;
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
        while (!ended && inFlight < MAX_IN_FLIGHT && outbound.isEmpty() && taken < BUDGET) {
            Object r = rx.read();
            if (r instanceof VmbusPacket p) {
                incompleteLogged = false;
                taken++;
                inFlight++;
                try {
                    handler.received(p, replies);
                } catch (RuntimeException | Error e) {
                    LOG.warn("{}: handling {} failed: {}", device.name(), p, e.toString());
                    inFlight--;
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

    /** Writes queued replies; true when the host should be signalled. Stops at a full ring. */
    private boolean flushReplies() {
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
            VmbusPacket p = VmbusPacket.replyTo(request, payload);
            if (loop.inEventLoop()) {
                answered(p);
            } else {
                execute(() -> {
                    answered(p);
                    service(false);
                });
            }
        }

        @Override
        public void none(VmbusPacket request) {
            if (loop.inEventLoop()) {
                answered(null);
            } else {
                execute(() -> {
                    answered(null);
                    service(false);
                });
            }
        }
    };

    private void answered(VmbusPacket p) {
        if (ended) {
            return;
        }
        inFlight = Math.max(0, inFlight - 1);
        if (p != null) {
            outbound.add(p);
        }
    }

    private void execute(Runnable r) {
        try {
            loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the loop is gone: the reply has nowhere to go
        }
    }

    /** Wake-ups of the interrupt descriptor so far (read on the loop, or after it stopped). */
    public long wakeups() {
        return wakeups;
    }

    /** 4-byte writes to the device so far. */
    public long signals() {
        return signals;
    }

    /** Runs {@code r} on the channel's loop. */
    public void onLoop(Runnable r) {
        execute(r);
    }

    private void end(boolean rescinded) {
        if (ended) {
            return;
        }
        ended = true;
        if (registration != null) {
            try {
                registration.cancel();
            } catch (Exception e) {
                LOG.debug("{}: cancel: {}", device.name(), e.toString());
            }
            registration = null;
        }
        outbound.clear();
        device.close();
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
            device.close();
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
