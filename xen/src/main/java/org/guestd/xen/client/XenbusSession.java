// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.guestd.transport.Backoff;
import org.guestd.transport.Link;
import org.guestd.transport.Transport;
import org.guestd.transport.XenbusTransport;
import org.guestd.xen.wire.XsDecoder;
import org.guestd.xen.wire.XsFramingException;
import org.guestd.xen.wire.XsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection side of the {@link XenstoreClient}: gets transports from the
 * {@link XenstoreClient.Connector}, frames what they read, and after a loss (or a stream that stops
 * framing, which it closes) asks for a new one with capped exponential backoff; the backoff starts
 * over once a connection lived as long as its cap. Loop-confined; the transport's callbacks are
 * copied and moved onto the loop in order.
 */
final class XenbusSession {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");

    /** What the client is told, on the loop. */
    interface Events {
        void up(Link link, int generation);

        void message(XsMessage m);

        /** The device refused the request with this {@code req_id} at write time. */
        void refused(int reqId, int errno, String errnoName);

        void down(String why);

        /** The connector has no more connections: nothing will ever be sent again. */
        void exhausted();
    }

    private final XenstoreClient.Connector connector;
    private final ScheduledExecutorService loop;
    private final Backoff backoff;
    private final LongSupplier nanoTime;
    private final Events events;
    private final XsDecoder decoder = new XsDecoder();
    private final Handler handler = new Handler();
    private Transport transport;
    private Link link;
    private int generation;
    private long linkStartNanos;
    private ScheduledFuture<?> reconnectTimer;
    private boolean openFailureLogged;
    private boolean closed;

    XenbusSession(XenstoreClient.Connector connector, ScheduledExecutorService loop, Backoff backoff,
            LongSupplier nanoTime, Events events) {
        this.connector = connector;
        this.loop = loop;
        this.backoff = backoff;
        this.nanoTime = nanoTime;
        this.events = events;
    }

    /** The link while connected, else null. */
    Link link() {
        return link;
    }

    /** Connections made so far (the current one's number while connected). */
    int generation() {
        return generation;
    }

    /** Opens the first connection. */
    void connect() {
        reconnectTimer = null;
        if (closed) {
            return;
        }
        Transport t;
        try {
            t = connector.next();
        } catch (IOException | RuntimeException e) {
            openFailed(e);
            return;
        }
        if (t == null) {
            LOG.info("{}: no further connection (an inherited descriptor is not reopened)", connector.describe());
            events.exhausted();
            return;
        }
        transport = t;
        try {
            t.start(handler);
        } catch (IOException | RuntimeException e) {
            transport = null;
            t.close();
            openFailed(e);
        }
    }

    /** Closes the connection and stops reconnecting. */
    void close() {
        closed = true;
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
            reconnectTimer = null;
        }
        drop();
    }

    /** Closes the current connection as broken; a new one follows with backoff. */
    void reset(String why) {
        Link l = link;
        if (l != null) {
            LOG.warn("{}: {}; reopening the channel", l.describe(), why);
            l.close();
        }
    }

    private void openFailed(Exception e) {
        if (!openFailureLogged) {
            openFailureLogged = true;
            LOG.warn("{}: cannot open: {}; retrying with backoff up to {} ms", connector.describe(), e.getMessage(),
                    backoff.maxMillis());
        } else {
            LOG.debug("{}: open attempt failed: {}", connector.describe(), e.getMessage());
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (closed || reconnectTimer != null) {
            return;
        }
        try {
            reconnectTimer = loop.schedule(this::connect, backoff.next(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down
        }
    }

    private void onConnected(Link l) {
        if (closed || link != null) {
            l.close();
            return;
        }
        link = l;
        generation++;
        decoder.reset();
        linkStartNanos = nanoTime.getAsLong();
        openFailureLogged = false;
        LOG.info("xenstore connected on {} (connection {})", l.describe(), generation);
        events.up(l, generation);
    }

    private void onDisconnected(Link l) {
        if (l != link) {
            return;
        }
        long age = nanoTime.getAsLong() - linkStartNanos;
        drop();
        if (closed) {
            return;
        }
        LOG.info("xenstore connection {} lost; reconnecting", generation);
        events.down("the channel closed");
        if (age >= TimeUnit.MILLISECONDS.toNanos(backoff.maxMillis())) {
            backoff.reset();
        }
        scheduleReconnect();
    }

    private void drop() {
        Link l = link;
        link = null;
        Transport t = transport;
        transport = null;
        if (l != null && l.isOpen()) {
            l.close();
        }
        if (t != null) {
            t.close();
        }
    }

    private void onReceived(Link l, byte[] data) {
        if (l != link) {
            return;
        }
        try {
            decoder.feed(ByteBuffer.wrap(data), m -> {
                if (link == l) {
                    events.message(m);
                }
            });
        } catch (XsFramingException e) {
            reset(e.getMessage());
        }
    }

    private void onRefused(Link l, ByteBuffer message, int errno, String errnoName) {
        if (l == link && message.remaining() >= XsMessage.HEADER) {
            events.refused(message.order(ByteOrder.LITTLE_ENDIAN).getInt(4), errno, errnoName);
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop gone: {}", e.toString());
        }
    }

    private final class Handler implements XenbusTransport.RefusalHandler {
        @Override
        public void connected(Link l) {
            onLoop(() -> onConnected(l));
        }

        @Override
        public void received(Link l, ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            onLoop(() -> onReceived(l, copy));
        }

        @Override
        public void disconnected(Link l) {
            onLoop(() -> onDisconnected(l));
        }

        @Override
        public void refused(Link l, ByteBuffer message, int errno, String errnoName) {
            ByteBuffer copy = ByteBuffer.allocate(message.remaining());
            copy.put(message.duplicate()).flip();
            onLoop(() -> onRefused(l, copy, errno, errnoName));
        }
    }
}
