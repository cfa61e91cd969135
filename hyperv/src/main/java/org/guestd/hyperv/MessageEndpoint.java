// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.guestd.transport.Link;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a {@link DeviceProtocol} to a message-framed {@link Link}: writes the registration when
 * the device is (re)opened, hands each message to the protocol on the worker pool one at a time in
 * arrival order (the event loop never blocks on pool files or a freeze), and writes the reply.
 * Whatever the protocol throws is logged and answered with nothing; the link stays up.
 *
 * <p>Fast path (as the QGA endpoint's for quick commands): a message that arrives while nothing of
 * the session is queued or running is first offered to {@link DeviceProtocol#handleQuick} on the
 * event loop; a KVP GET or ENUMERATE served from the store's in-memory pool (one stat) is answered
 * there, two thread hand-offs fewer per round trip. Everything else, and anything the protocol
 * declines, goes to the worker queue. "Idle" means every submitted task has finished (its reply is
 * queued on the link); only the event loop submits, so that cannot change between the check and
 * the inline answer, and replies keep arrival order.
 */
final class MessageEndpoint implements Link.Handler {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    private final DeviceProtocol protocol;
    private final Executor workers;
    private final Object lock = new Object();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private boolean running;
    private long submitted; // tasks queued so far; guarded by lock
    private long finished; // tasks run to completion so far; guarded by lock

    MessageEndpoint(DeviceProtocol protocol, Executor workers) {
        this.protocol = protocol;
        this.workers = workers;
    }

    /**
     * One queued piece of work: its reply (null for none) is written to {@code link} by the worker
     * in the same critical section that counts the task finished, so {@link #idle} never sees a
     * reply on the wire whose task is not yet counted (the host's next request, sent after reading
     * that reply, then always finds the endpoint idle and takes the fast path).
     */
    private record Task(Link link, java.util.concurrent.Callable<byte[]> body) {}

    @Override
    public void connected(Link link) {
        submit(new Task(link, () -> {
            LOG.debug("{}: registration written on {}", protocol.name(), link.describe());
            return protocol.register();
        }));
    }

    @Override
    public void received(Link link, ByteBuffer data) {
        byte[] message = new byte[data.remaining()];
        data.get(message);
        if (idle()) {
            byte[] quick = null;
            try {
                quick = protocol.handleQuick(message);
            } catch (RuntimeException | Error e) { // fall back to the worker, which reports it
                LOG.debug("{}: fast path declined after {}", protocol.name(), e.toString());
            }
            if (quick != null) {
                if (link.isOpen()) {
                    link.write(ByteBuffer.wrap(quick));
                }
                return;
            }
        }
        submit(new Task(link, () -> protocol.handle(message)));
    }

    @Override
    public void disconnected(Link link) {
        submit(new Task(null, () -> {
            protocol.sessionEnded();
            return null;
        }));
    }

    /**
     * Whether every task submitted so far has finished — its reply, if any, already handed to the
     * link. The worker may still be on its way out of {@link #drain}; counting finished tasks rather
     * than asking whether the worker is running keeps the fast path open right after a worker's
     * reply (the host's next request often arrives before the worker thread has looked at the queue
     * again), and the protocol is not touched by the worker any more.
     */
    boolean idle() {
        synchronized (lock) {
            return finished == submitted;
        }
    }

    /** Runs tasks strictly one after another, in submission order, on the worker pool. */
    private void submit(Task task) {
        synchronized (lock) {
            submitted++;
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        workers.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Task next;
            synchronized (lock) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            byte[] reply = null;
            try {
                reply = next.body().call();
            } catch (Exception | Error e) { // never lose the queue to one bad message
                LOG.warn("{}: handling a message failed: {}", protocol.name(), e.toString());
                LOG.debug("{}: failure detail", protocol.name(), e);
            } finally {
                synchronized (lock) { // Link.write only queues: never blocks under the lock
                    if (reply != null && next.link() != null && next.link().isOpen()) {
                        next.link().write(ByteBuffer.wrap(reply));
                    }
                    finished++;
                }
            }
        }
    }
}
