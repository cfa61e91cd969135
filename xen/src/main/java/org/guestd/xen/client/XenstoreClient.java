// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.guestd.transport.Backoff;
import org.guestd.transport.Link;
import org.guestd.transport.Transport;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.guestd.xen.wire.XsMessage;
import org.guestd.xen.wire.XsType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An asynchronous xenstore client on the guest's xenbus device. Requests are matched to replies by
 * {@code req_id}, so replies may come in any order; XS_WATCH_EVENTs are dispatched by token, and a
 * watch's token is known before its XS_WATCH is sent, so the first event may arrive before the
 * watch's OK (the kernel's device did that in 7 of 10 registrations in the lab). All state lives on
 * one single-threaded executor, the shared event loop; futures complete there, so their callbacks
 * must not block (a worker thread may wait on them).
 *
 * <p>Channel loss (device error, end of file, a stream that stops framing) fails the requests in
 * flight with {@link XsError#DISCONNECTED}; requests made while disconnected wait for the next
 * connection (up to the request timeout). The client asks its {@link Connector} for a new transport
 * with capped exponential backoff, registers every watch again (each fires once more), and tells its
 * {@link ConnectionListener}s, which republish what they own.
 */
public final class XenstoreClient extends XsOps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");

    /** Where connections come from. */
    public interface Connector {
        /**
         * A new, not yet started transport for the next connection, or null when there will be no
         * more (an inherited descriptor already used).
         *
         * @throws IOException when no device can be found right now (retried with backoff)
         */
        Transport next() throws IOException;

        /** For logs. */
        String describe();
    }

    /** Told about connections, on the event loop; must not block. */
    public interface ConnectionListener {
        /** A connection is up and every watch was sent again; {@code generation} counts connections from 1. */
        void connected(int generation);

        /** The connection was lost (a new one will be tried unless the client is closed). */
        default void disconnected() {}
    }

    /** Receives a watch's events, on the event loop; must not block. */
    public interface WatchListener {
        /** {@code path} changed (or the watch was just registered); relative when the watch path was. */
        void fired(String path);
    }

    /**
     * @param requestTimeout how long a request waits for its reply (also while disconnected); zero: forever
     * @param maxPayload the largest payload sent (default: what the xenbus device takes)
     * @param maxTransactionAttempts how often a transaction is tried when it ends in EAGAIN or a lost channel
     * @param backoffInitialMillis first reconnect delay
     * @param backoffMaxMillis reconnect delay cap
     * @param maxInFlight unanswered requests at most (1 for the Linux xenbus device, see {@link RequestQueue})
     */
    public record Options(Duration requestTimeout, int maxPayload, int maxTransactionAttempts,
            long backoffInitialMillis, long backoffMaxMillis, int maxInFlight) {
        /** 30 s timeout, 4080-byte payloads, 32 attempts, reconnect 100 ms doubling to 5 s, one request in flight. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(30), XsMessage.DEVICE_PAYLOAD_MAX, 32, 100, 5000, 1);
        }

        /** The same with another limit of unanswered requests (1 for the Linux device; more for tests). */
        public Options withMaxInFlight(int n) {
            return new Options(requestTimeout, maxPayload, maxTransactionAttempts, backoffInitialMillis,
                    backoffMaxMillis, n);
        }
    }

    private final ScheduledExecutorService loop;
    private final Options options;
    private final AtomicLong tokens = new AtomicLong();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final XenbusSession session;

    // loop-confined
    private final RequestQueue queue;
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private boolean started;
    private boolean gaveUp;
    private boolean badInputLogged;
    private volatile boolean closed;
    private volatile boolean connected;

    /**
     * @param loop the single-threaded event loop all work runs on (the transports' loop)
     * @param nanoTime the monotonic clock (for the backoff's reset after a long-lived link)
     */
    public XenstoreClient(Connector connector, ScheduledExecutorService loop, Options options, LongSupplier nanoTime) {
        this.loop = loop;
        this.options = options;
        this.session = new XenbusSession(connector, loop,
                new Backoff(options.backoffInitialMillis(), options.backoffMaxMillis()), nanoTime, new Events());
        this.queue = new RequestQueue(session, loop, options.requestTimeout().toMillis(), options.maxInFlight());
    }

    /** With {@link Options#defaults()} and {@link System#nanoTime()}. */
    public XenstoreClient(Connector connector, ScheduledExecutorService loop) {
        this(connector, loop, Options.defaults(), System::nanoTime);
    }

    /** Adds a listener; it sees connections made after this call. */
    public void addConnectionListener(ConnectionListener l) {
        listeners.add(l);
    }

    /** Starts connecting (asynchronously); requests made before the connection wait for it. */
    public void start() {
        onLoop(() -> {
            if (!started && !closed) {
                started = true;
                session.connect();
            }
        });
    }

    /** True while a connection is up (a snapshot, from any thread). */
    public boolean isConnected() {
        return connected;
    }

    /**
     * Registers a watch on {@code path} (a node path or a special {@code @name}). The future
     * completes when xenstored confirmed it; events may come before that. The watch stays across
     * reconnects until {@link XsWatch#cancel()}.
     */
    public CompletableFuture<XsWatch> watch(String path, WatchListener listener) {
        String token = "guestd-" + tokens.incrementAndGet();
        XsException problem = check(XsType.WATCH, path, watchPayload(path, token), "WATCH " + path);
        if (problem != null) {
            return CompletableFuture.failedFuture(problem);
        }
        Watch w = new Watch(path, token, listener);
        onLoop(() -> {
            if (closed || gaveUp) {
                w.ready.completeExceptionally(new XsException(XsError.DISCONNECTED, "WATCH " + path + ": client closed"));
                return;
            }
            watches.put(token, w);
            if (session.link() != null) {
                register(w);
            }
        });
        return w.ready;
    }

    /**
     * Runs {@code body} in a transaction and commits it; when xenstored answers the commit (or an
     * operation inside) with EAGAIN, or the channel is lost meanwhile, the whole body runs again in a
     * new transaction, up to {@link Options#maxTransactionAttempts()} times. A body that fails with
     * another error aborts the transaction and fails the result.
     */
    public <T> CompletableFuture<T> transaction(Function<XsTransaction, CompletableFuture<T>> body) {
        return new TransactionRunner<>(this, body, options.maxTransactionAttempts()).run();
    }

    /** XS_GET_DOMAIN_PATH: {@code /local/domain/<domid>}. */
    public CompletableFuture<String> getDomainPath(int domid) {
        return call(XsType.GET_DOMAIN_PATH, cstr(Integer.toString(domid)), "GET_DOMAIN_PATH " + domid)
                .thenApply(XsMessage::firstString);
    }

    /** Stops reconnecting, closes the channel, fails what is pending with DISCONNECTED. Idempotent. */
    @Override
    public void close() {
        closed = true;
        onLoop(() -> {
            session.close();
            connected = false;
            queue.failInFlight("client closed");
            queue.failWaiting("client closed");
            for (Watch w : watches.values()) {
                w.ready.completeExceptionally(new XsException(XsError.DISCONNECTED, "client closed"));
            }
            watches.clear();
        });
    }

    // ---------------------------------------------------------------- requests

    @Override
    CompletableFuture<XsMessage> call(XsType type, byte[] payload, String what) {
        return request(type, payload, 0, 0, what);
    }

    @Override
    int maxPayload() {
        return options.maxPayload();
    }

    int maxPayloadForTx() {
        return options.maxPayload();
    }

    /** The current connection's number (loop only). */
    int generation() {
        return session.generation();
    }

    /** Whether a failed transaction may be tried again: not once closed or without a device. */
    boolean mayRetry() {
        return !closed && !gaveUp;
    }

    /** Sends a request in transaction {@code txId} (0: none) started on connection {@code txGeneration}. */
    CompletableFuture<XsMessage> request(XsType type, byte[] payload, int txId, int txGeneration, String what) {
        PendingRequest r = new PendingRequest(type, payload, txId, txGeneration, what);
        onLoop(() -> submit(r));
        return r.future;
    }

    private void submit(PendingRequest r) {
        if (closed || gaveUp) {
            r.fail(XsError.DISCONNECTED, "the client is " + (closed ? "closed" : "without a device"));
            return;
        }
        if (r.txId != 0 && (r.txGeneration != session.generation() || session.link() == null)) {
            r.fail(XsError.DISCONNECTED, "its transaction ended with the connection it was started on");
            return;
        }
        queue.add(r);
    }

    // ---------------------------------------------------------------- watches

    private void register(Watch w) {
        PendingRequest r = new PendingRequest(XsType.WATCH, watchPayload(w.path, w.token), 0, 0, "WATCH " + w.path);
        int gen = session.generation();
        r.future.whenComplete((m, t) -> {
            if (t == null) {
                w.ready.complete(w);
                return;
            }
            XsException x = XsException.unwrap(t);
            if (x != null && x.is(XsError.DISCONNECTED) && !closed && !gaveUp) {
                return; // sent again on the next connection
            }
            if (x != null && x.is(XsError.EEXIST) && watches.get(w.token) == w) {
                w.ready.complete(w); // a registration sent again after a timeout: the first one did arrive
                return;
            }
            if (x != null && x.is(XsError.TIMEOUT) && !closed && !gaveUp && watches.get(w.token) == w) {
                // the reply was lost or xenstored is slow: the watch stays wanted, so ask again (a
                // duplicate is EEXIST, taken as success); dropping it would lose the key until a restart
                LOG.warn("watch on {} not confirmed: {}; registering it again", w.path, t.getMessage());
                register(w);
                return;
            }
            if (watches.remove(w.token, w)) {
                LOG.warn("watch on {} refused: {}", w.path, t.getMessage());
            }
            w.ready.completeExceptionally(t);
            LOG.debug("watch registration on connection {} failed", gen);
        });
        submit(r);
    }

    void unwatch(Watch w) {
        onLoop(() -> {
            if (watches.remove(w.token, w) && session.link() != null) {
                submit(new PendingRequest(XsType.UNWATCH, watchPayload(w.path, w.token), 0, 0, "UNWATCH " + w.path));
            }
        });
    }

    private static byte[] watchPayload(String path, String token) {
        byte[] p = cstr(path);
        byte[] t = cstr(token);
        byte[] out = new byte[p.length + t.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(t, 0, out, p.length, t.length);
        return out;
    }

    private void event(XsMessage m) {
        List<String> parts = m.strings();
        if (parts.size() < 2) {
            badInput("a watch event without path and token (" + m + ")");
            return;
        }
        Watch w = watches.get(parts.get(1));
        if (w == null) {
            LOG.debug("event for unknown watch token {} (cancelled?)", parts.get(1));
            return;
        }
        try {
            w.listener.fired(parts.get(0));
        } catch (RuntimeException e) {
            LOG.warn("watch listener for {} failed", w.path, e);
        }
    }

    // ---------------------------------------------------------------- connection

    /** The session's events, on the loop. */
    private final class Events implements XenbusSession.Events {
        @Override
        public void up(Link l, int gen) {
            if (closed) {
                return;
            }
            badInputLogged = false;
            connected = true;
            for (Watch w : new ArrayList<>(watches.values())) {
                register(w);
            }
            queue.pump();
            for (ConnectionListener cl : listeners) {
                try {
                    cl.connected(gen);
                } catch (RuntimeException e) {
                    LOG.warn("connection listener failed", e);
                }
            }
        }

        @Override
        public void message(XsMessage m) {
            dispatch(m);
        }

        @Override
        public void refused(int reqId, int errno, String errnoName) {
            PendingRequest r = queue.take(reqId);
            if (r != null) {
                r.fail(XsError.ofErrno(errno), "refused by the device: " + errnoName);
            }
            queue.pump();
        }

        @Override
        public void down(String why) {
            connected = false;
            queue.failInFlight(why);
            // queued (un)registrations belong to the lost connection: up() registers every watch again
            queue.dropWaiting(r -> r.type == XsType.WATCH || r.type == XsType.UNWATCH, why);
            for (ConnectionListener cl : listeners) {
                try {
                    cl.disconnected();
                } catch (RuntimeException e) {
                    LOG.warn("connection listener failed", e);
                }
            }
        }

        @Override
        public void exhausted() {
            gaveUp = true;
            queue.failInFlight("no xenbus device");
            queue.failWaiting("no xenbus device");
            for (Watch w : watches.values()) {
                w.ready.completeExceptionally(new XsException(XsError.DISCONNECTED, "no xenbus device"));
            }
            watches.clear();
        }
    }

    private void dispatch(XsMessage m) {
        if (m.type() == XsType.WATCH_EVENT.code()) {
            event(m);
            return;
        }
        if (m.knownType() == null) {
            badInput("a message of unknown type (" + m + ")"); // not a reply to anything we sent
            return;
        }
        PendingRequest r = queue.take(m.reqId());
        if (r == null) {
            LOG.debug("reply {} matches no request in flight (timed out?)", m);
            return;
        }
        if (m.type() == XsType.ERROR.code()) {
            String name = m.firstString();
            XsError e = XsError.ofName(name);
            r.fail(e, e == XsError.UNKNOWN ? "error '" + name + "'" : name);
        } else if (m.type() != r.type.code()) {
            badInput("a " + m + " reply to a " + r.type + " request");
            r.fail(XsError.UNKNOWN, "unexpected reply " + m);
        } else {
            r.complete(m);
        }
        queue.pump();
    }

    private void badInput(String what) {
        if (!badInputLogged) {
            badInputLogged = true;
            LOG.warn("xenstore sent {}; ignored (logged once per connection)", what);
        } else {
            LOG.debug("xenstore sent {}; ignored", what);
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop gone: {}", e.toString());
        }
    }

    /** A registered watch. */
    final class Watch implements XsWatch {
        final String path;
        final String token;
        final WatchListener listener;
        final CompletableFuture<XsWatch> ready = new CompletableFuture<>();

        Watch(String path, String token, WatchListener listener) {
            this.path = path;
            this.token = token;
            this.listener = listener;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String token() {
            return token;
        }

        @Override
        public void cancel() {
            unwatch(this);
        }
    }
}
