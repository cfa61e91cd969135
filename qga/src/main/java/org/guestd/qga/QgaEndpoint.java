// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.guestd.qga.codec.JsonStreamer;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.dispatch.Reply;
import org.guestd.transport.Link;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QGA protocol on a byte-stream {@link Link}: qemu-ga's read loop ({@code channel_event_cb} →
 * JSON streamer → {@code process_event} → {@code send_response}).
 *
 * <p>Threading: bytes are parsed on the link's I/O thread (cheap, bounded by the streamer's
 * limits); each parsed request is then run on the {@link Executor} given to the constructor,
 * strictly one at a time per link and in request order, so a slow command never blocks the I/O
 * thread and replies leave in request order. The one exception is the fast path: a {@link
 * org.guestd.qga.dispatch.QgaCommand#quick() quick} command (ping, sync, info, get-time) that
 * arrives while nothing of the session is queued or running is answered on the I/O thread
 * itself — the same order, two thread hand-offs fewer per round trip. Parse errors take the same
 * queue (or the fast path, when nothing is queued), so their replies keep their place in the stream
 * relative to command replies. Requests still queued when the
 * link goes away are executed (they were received, as qemu-ga would have executed them) but their
 * replies are dropped.
 *
 * <p>Difference from qemu-ga: qemu-ga keeps one parser per agent, so an incomplete object left by a
 * previous client swallows the next client's first request; here every link starts with a fresh
 * parser on {@link #connected}. Clients that send the documented 0xFF first see the same replies
 * either way; clients that do not are no longer at the mercy of the previous one.
 *
 * <p>A peer that pipelines more than {@link #MAX_PENDING_BYTES} of unanswered requests is
 * disconnected (qemu-ga would simply stop reading; a {@link Link} cannot be paused).
 *
 * <p>Failures that are not the peer's fault never end the session: when parsing throws (out of
 * memory on a huge string, or any bug) the link's parser is reset, {@code GenericError "internal
 * error: out of memory"} (or {@code "internal error: <exception>"}) is queued in stream order, and
 * the rest of the bytes are parsed afresh, as qemu-ga does after its own limit errors. A command
 * that throws, or a reply that cannot be encoded, is answered with a GenericError too.
 */
public final class QgaEndpoint implements Link.Handler {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.qga");
    /**
     * Most request bytes (token text) queued per link before it is closed: 96 MiB, room for one
     * request of the largest size the parser accepts (64 MiB) and then some, within the agent's
     * 256 MiB heap.
     */
    public static final long MAX_PENDING_BYTES = 96L << 20;
    /**
     * Largest request (token text) answered on the I/O thread: at most 128 levels of nesting, so
     * encoding the echoed id never needs much of the I/O thread's stack.
     */
    static final long INLINE_MAX_BYTES = 256;
    /**
     * The fast path is taken only while less than this is queued for the peer; beyond it requests
     * go to the worker, which waits for the peer to read ({@link #awaitRoom}).
     */
    static final long INLINE_MAX_QUEUED_REPLY_BYTES = 1L << 20;
    /**
     * A worker holds a reply back while more than this is queued for the peer (qemu-ga's write
     * blocks the same way), so a host that pipelines faster than it reads slows down instead of
     * losing replies at the link's queue cap.
     */
    static final long MAX_QUEUED_REPLY_BYTES = 4L << 20;
    /** How long a worker waits for a peer that does not read before the link's cap decides. */
    static final long MAX_REPLY_WAIT_NANOS = 30_000_000_000L;
    /** Fixed weight added to every queued item (on top of its request or error text). */
    private static final long ITEM_OVERHEAD = 128;

    private final Dispatcher dispatcher;
    private final Executor executor;
    private final long maxPendingBytes;
    private final boolean inlineAllowed;
    private final Map<Link, Session> sessions = new ConcurrentHashMap<>();

    /** @param executor where commands run; must not be the I/O thread */
    /** qemu-ga's reply to the 0xFF resynchronisation byte. */
    static final String SYNC_BYTE_ERROR = "JSON parse error, stray '\uFFFD'";

    public QgaEndpoint(Dispatcher dispatcher, Executor executor) {
        this(dispatcher, executor, MAX_PENDING_BYTES, true);
    }

    /**
     * @param inlineAllowed whether quick commands may run on the calling (I/O) thread when the
     *     session has nothing queued; false sends every request through the executor
     */
    QgaEndpoint(Dispatcher dispatcher, Executor executor, long maxPendingBytes, boolean inlineAllowed) {
        this.dispatcher = dispatcher;
        this.executor = executor;
        this.maxPendingBytes = maxPendingBytes;
        this.inlineAllowed = inlineAllowed;
    }

    @Override
    public void connected(Link link) {
        LOG.debug("qga: {} connected", link.describe());
        sessions.put(link, new Session(link));
    }

    @Override
    public void received(Link link, ByteBuffer data) {
        Session s = sessions.computeIfAbsent(link, Session::new);
        while (data.hasRemaining()) {
            try {
                s.streamer.feed(data);
            } catch (StackOverflowError | OutOfMemoryError | RuntimeException e) {
                s.parseFailed(e); // the position is past the failing byte: the rest is parsed afresh
            }
        }
    }

    @Override
    public void disconnected(Link link) {
        LOG.debug("qga: {} disconnected", link.describe());
        sessions.remove(link);
    }

    /** One link's parser and request queue. */
    private final class Session implements JsonStreamer.Listener {
        final Link link;
        final JsonStreamer streamer = new JsonStreamer(this);
        final SerialQueue queue = new SerialQueue(executor);
        private boolean badInputLogged;
        private boolean internalErrorLogged;
        private boolean overloaded;

        Session(Link link) {
            this.link = link;
        }

        @Override
        public void onValue(Object value) {
            Runnable handle = () -> {
                Reply r;
                try {
                    r = dispatcher.dispatch(value); // answers a throwing command itself
                } catch (StackOverflowError | OutOfMemoryError | RuntimeException e) {
                    internalError("handling a request", e);
                    r = Dispatcher.internalError(e);
                }
                if (r != null) {
                    send(r);
                }
            };
            // Fast path: nothing of this session queued or running (so replies stay in order) and a
            // quick command: answer right here on the I/O thread, without two thread hand-offs.
            if (canAnswerInline() && streamer.lastMessageSize() <= INLINE_MAX_BYTES && dispatcher.isQuick(value)) {
                handle.run();
            } else {
                submit(handle, streamer.lastMessageSize() + ITEM_OVERHEAD);
            }
        }

        /** Parsing threw: drops the partial message and answers in stream order, like a parse error. */
        void parseFailed(Throwable e) {
            streamer.reset(); // first: gives back what the failed message held
            internalError("parsing its input", e);
            Reply r = Dispatcher.internalError(e);
            submit(() -> send(r), ITEM_OVERHEAD);
        }

        private void internalError(String doing, Throwable e) {
            if (internalErrorLogged) {
                LOG.debug("qga: {}: {} failed: {}", link.describe(), doing, e.toString());
                return;
            }
            internalErrorLogged = true;
            if (e instanceof VirtualMachineError) { // its stack trace is noise, possibly 1024 frames
                LOG.warn("qga: {}: {} failed: {}; answered with an internal error (logged once per connection)",
                        link.describe(), doing, e.toString());
            } else {
                LOG.warn("qga: {}: {} failed; answered with an internal error (logged once per connection)",
                        link.describe(), doing, e);
            }
        }

        @Override
        public void onError(String desc) {
            if (desc.equals(SYNC_BYTE_ERROR)) {
                // the 0xFF a client sends before guest-sync(-delimited) to reset the parser:
                // protocol-normal, answered like qemu-ga does, not worth an info line
                LOG.debug("qga: {}: parser reset by 0xFF", link.describe());
            } else if (!badInputLogged) {
                badInputLogged = true;
                LOG.info("qga: {} sent bad input ({}); further parse errors on this connection are logged at debug",
                        link.describe(), desc);
            } else {
                LOG.debug("qga: {}: {}", link.describe(), desc);
            }
            Reply r = Dispatcher.parseError(desc);
            if (canAnswerInline()) {
                send(r); // nothing ahead of it: no need for a worker to send an error
            } else {
                submit(() -> send(r), ITEM_OVERHEAD + desc.length());
            }
        }

        /**
         * The fast path's precondition: nothing of this session queued or running (so an answer
         * given here keeps its place in the stream) and little waiting for the peer.
         */
        private boolean canAnswerInline() {
            return inlineAllowed && !overloaded && queue.pendingWeight() == 0
                    && link.pendingWriteBytes() < INLINE_MAX_QUEUED_REPLY_BYTES;
        }

        private void submit(Runnable task, long weight) {
            if (overloaded) {
                return;
            }
            if (queue.pendingWeight() + weight > maxPendingBytes) {
                overloaded = true;
                LOG.warn("qga: {} has more than {} bytes of requests pending; closing it",
                        link.describe(), maxPendingBytes);
                link.close();
                return;
            }
            queue.submit(task, weight);
        }

        /**
         * On a worker: waits while the peer has more than {@link #MAX_QUEUED_REPLY_BYTES} unread
         * (at most {@link #MAX_REPLY_WAIT_NANOS}); returns at once on the I/O thread's fast path,
         * which is only taken while little is queued.
         */
        private void awaitRoom() {
            if (link.pendingWriteBytes() <= MAX_QUEUED_REPLY_BYTES) {
                return;
            }
            long deadline = System.nanoTime() + MAX_REPLY_WAIT_NANOS;
            while (link.isOpen() && link.pendingWriteBytes() > MAX_QUEUED_REPLY_BYTES
                    && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }

        private void send(Reply r) {
            awaitRoom();
            byte[] bytes;
            try {
                bytes = r.encode();
            } catch (StackOverflowError | OutOfMemoryError | RuntimeException e) {
                internalError("encoding a reply", e);
                bytes = Dispatcher.internalError(e).encode(); // no id: it may be what failed
            }
            link.write(ByteBuffer.wrap(bytes));
        }
    }
}
