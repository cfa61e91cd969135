// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.guestd.core.log.HostWarnings;
import org.guestd.qga.codec.JsonStreamer;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.qga.dispatch.Reply;
import org.guestd.transport.Link;
import org.guestd.transport.LinkExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QGA protocol on a byte-stream {@link Link}: qemu-ga's read loop ({@code channel_event_cb} →
 * JSON streamer → {@code process_event} → {@code send_response}).
 *
 * <p>Threading: bytes are parsed on the link's I/O thread (cheap, bounded by the streamer's
 * limits); each parsed request then goes to the link's {@link LinkExecutor}, which runs it on the
 * {@link Executor} given to the constructor, strictly one at a time per link and in request order,
 * so a slow command never blocks the I/O thread and replies leave in request order. The one
 * exception is the executor's fast path: a {@link QgaCommand#quick() quick} command (ping, sync,
 * info, get-time) of at most {@link #INLINE_MAX_BYTES} that arrives while nothing of the session
 * is queued or running, and little waits for the peer, is answered on the I/O thread itself — the
 * same order, two thread hand-offs fewer per round trip. Parse errors take the same queue (or the
 * fast path, when nothing is queued), so their replies keep their place in the stream relative to
 * command replies. Requests still queued when the link goes away are executed (they were received,
 * as qemu-ga would have executed them) but their replies are dropped. A worker holds a reply back
 * while more than 4 MiB waits for the peer (at most 30 s), as qemu-ga's blocking write does
 * ({@link LinkExecutor.Limits#DEFAULT}).
 *
 * <p>Difference from qemu-ga: qemu-ga keeps one parser per agent, so an incomplete object left by a
 * previous client swallows the next client's first request; here every link starts with a fresh
 * parser on {@link #connected}. Clients that send the documented 0xFF first see the same replies
 * either way; clients that do not are no longer at the mercy of the previous one.
 *
 * <p>Input back-pressure, as qemu-ga (which stops reading while its blocking write of a reply
 * waits): the link stops reading while more than 1 MiB of its requests are queued or more than
 * 1 MiB of replies wait for the peer, and reads again once they drain ({@link LinkExecutor},
 * {@link Link#pauseReading}); a stream link reads at most 4 KiB at a time, so what one read can
 * make this endpoint produce before the pause (one 82-byte error reply per stray byte) stays
 * small. A host that floods requests without reading replies is held at a few MiB and gets every
 * reply, in order, once it reads. A link whose queued requests still exceed {@link
 * #MAX_PENDING_BYTES} is disconnected.
 *
 * <p>Failures that are not the peer's fault never end the session: when parsing throws (out of
 * memory on a huge string, or any bug) the link's parser is reset, {@code GenericError "internal
 * error: out of memory"} (or {@code "internal error: <exception>"}) is queued in stream order, and
 * the rest of the bytes are parsed afresh, as qemu-ga does after its own limit errors. A command
 * that throws, or a reply that cannot be encoded, is answered with a GenericError too (the
 * executor logs the former, rate-limited).
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
    /** Fixed weight added to every queued item (on top of its request or error text). */
    private static final long ITEM_OVERHEAD = 128;
    /** qemu-ga's reply to the 0xFF resynchronisation byte. */
    static final String SYNC_BYTE_ERROR = "JSON parse error, stray '\uFFFD'";

    private final Dispatcher dispatcher;
    private final Executor executor;
    /** Bad input and internal errors, rate-limited over all connections: a host reconnecting in a loop cannot flood. */
    private final HostWarnings warnings = new HostWarnings(LOG);
    private final LinkExecutor.Limits limits;
    private final Map<Link, Session> sessions = new ConcurrentHashMap<>();
    private volatile Runnable onSessionChange = () -> { };

    /** @param executor where commands run; must not be the I/O thread */
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
        LinkExecutor.Limits l = LinkExecutor.Limits.DEFAULT.withMaxPendingWeight(maxPendingBytes);
        this.limits = inlineAllowed ? l : l.withoutInline();
    }

    /** Registers what runs (on the I/O thread; must be quick) when a session begins or ends. */
    public QgaEndpoint onSessionChange(Runnable r) {
        this.onSessionChange = Objects.requireNonNull(r);
        return this;
    }

    /** The sessions open now: connected clients of a socket, 1 for an opened serial port. */
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public void connected(Link link) {
        LOG.debug("qga: {} connected", link.describe());
        sessions.put(link, new Session(link));
        onSessionChange.run();
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
        if (sessions.remove(link) != null) {
            onSessionChange.run();
        }
    }

    /** What a request that threw is answered with: GenericError "internal error: ...", no id. */
    private static ByteBuffer internalErrorReply(Throwable e) {
        return ByteBuffer.wrap(Dispatcher.internalError(e).encode());
    }

    /** One link's parser and request queue. */
    private final class Session implements JsonStreamer.Listener {
        final Link link;
        final JsonStreamer streamer = new JsonStreamer(this);
        final LinkExecutor queue = new LinkExecutor("qga", LOG, executor, limits, QgaEndpoint::internalErrorReply);
        private String lastErrorDesc; // I/O thread only
        private byte[] lastErrorReply; // its encoding

        Session(Link link) {
            this.link = link;
        }

        @Override
        public void onValue(Object value) {
            // Fast path: a small request for a quick command while nothing of this session is queued
            // or running (so replies stay in order): answered right here, without two thread hand-offs.
            long size = streamer.lastMessageSize();
            if (size <= INLINE_MAX_BYTES
                    && queue.tryInline(link, () -> dispatcher.isQuick(value) ? answer(value) : null)) {
                return;
            }
            queue.submit(link, size + ITEM_OVERHEAD, () -> answer(value));
        }

        /** Runs the request; a command that throws is answered by the dispatcher itself. */
        private ByteBuffer answer(Object value) {
            Reply r = dispatcher.dispatch(value);
            return r == null ? LinkExecutor.NO_REPLY : encode(r);
        }

        /** Parsing threw: drops the partial message and answers in stream order, like a parse error. */
        void parseFailed(Throwable e) {
            streamer.reset(); // first: gives back what the failed message held
            internalError("parsing its input", e);
            Reply r = Dispatcher.internalError(e);
            queue.submit(link, ITEM_OVERHEAD, () -> encode(r));
        }

        private void internalError(String doing, Throwable e) {
            if (e instanceof VirtualMachineError) { // its stack trace is noise, possibly 1024 frames
                warnings.warn("qga-internal-error", "qga: {}: {} failed: {}; answered with an internal error",
                        link.describe(), doing, e.toString());
            } else {
                warnings.warn("qga-internal-error", "qga: {}: {} failed; answered with an internal error",
                        link.describe(), doing, e);
            }
        }

        @Override
        public void onError(String desc) {
            if (desc.equals(SYNC_BYTE_ERROR)) {
                // the 0xFF a client sends before guest-sync(-delimited) to reset the parser:
                // protocol-normal, answered like qemu-ga does, not worth an info line
                LOG.debug("qga: {}: parser reset by 0xFF", link.describe());
            } else {
                warnings.warn("qga-bad-input", "qga: {} sent bad input ({}); answered with qemu-ga's error",
                        link.describe(), desc);
            }
            byte[] reply = parseErrorReply(desc);
            // nothing ahead of it: no need for a worker to send an error
            if (!queue.tryInline(link, () -> ByteBuffer.wrap(reply))) {
                queue.submit(link, ITEM_OVERHEAD + desc.length(), () -> ByteBuffer.wrap(reply));
            }
        }

        /**
         * The encoded error reply for {@code desc}, the last one's bytes again when it repeats: a
         * host that sends a run of stray bytes queues one small task per byte, not a reply object
         * with its maps each (about 500 bytes), which a flood would otherwise keep alive until its
         * turn.
         */
        private byte[] parseErrorReply(String desc) {
            if (!desc.equals(lastErrorDesc)) {
                try {
                    lastErrorReply = Dispatcher.parseError(desc).encode();
                } catch (StackOverflowError | OutOfMemoryError | RuntimeException e) { // not kept: the next may encode
                    internalError("encoding a reply", e);
                    return internalErrorReply(e).array();
                }
                lastErrorDesc = desc;
            }
            return lastErrorReply;
        }

        /** The reply's bytes; one that cannot be encoded becomes an internal error (without id: it may be what failed). */
        private ByteBuffer encode(Reply r) {
            try {
                return ByteBuffer.wrap(r.encode());
            } catch (StackOverflowError | OutOfMemoryError | RuntimeException e) {
                internalError("encoding a reply", e);
                return internalErrorReply(e);
            }
        }
    }
}
