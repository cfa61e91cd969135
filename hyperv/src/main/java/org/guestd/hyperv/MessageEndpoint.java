// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.guestd.transport.Link;
import org.guestd.transport.LinkExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a {@link DeviceProtocol} to a message-framed {@link Link}: writes the registration when
 * the device is (re)opened, hands each message to the protocol on the worker pool one at a time in
 * arrival order (the event loop never blocks on pool files or a freeze), and writes the reply.
 * Whatever the protocol throws is logged (rate-limited) and answered with nothing; the link stays up.
 *
 * <p>One {@link LinkExecutor} serves the device across its reopens, so "the session ended" of one
 * link and the registration of the next run in that order, never at the same time.
 *
 * <p>Fast path (the executor's): a message that arrives while every earlier one is answered is
 * first offered to {@link DeviceProtocol#handleQuick} on the event loop; a KVP GET or ENUMERATE
 * served from the store's in-memory pool (one stat) is answered there, two thread hand-offs fewer
 * per round trip. Everything else, and anything the protocol declines, goes to the worker queue.
 * A worker's reply is written and its task counted finished at once, so the host's next request,
 * sent after reading that reply, always finds the endpoint idle.
 */
final class MessageEndpoint implements Link.Handler {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    private final DeviceProtocol protocol;
    private final LinkExecutor executor;
    private final Runnable onMessage;
    private boolean handshake; // event loop only: the next message is the kernel's answer to the registration

    MessageEndpoint(DeviceProtocol protocol, Executor workers) {
        this(protocol, workers, () -> { });
    }

    /**
     * @param onMessage run on the event loop for every message the host sends (its contact is recorded);
     *     not for the first message after an open, the kernel's answer to the registration
     */
    MessageEndpoint(DeviceProtocol protocol, Executor workers, Runnable onMessage) {
        this.protocol = protocol;
        this.executor = new LinkExecutor(protocol.name(), LOG, workers, LinkExecutor.Limits.DEFAULT, null);
        this.onMessage = onMessage;
    }

    @Override
    public void connected(Link link) {
        handshake = true;
        executor.submit(link, 0, () -> {
            LOG.debug("{}: registration written on {}", protocol.name(), link.describe());
            return wrap(protocol.register());
        });
    }

    @Override
    public void received(Link link, ByteBuffer data) {
        byte[] message = new byte[data.remaining()];
        data.get(message);
        if (handshake) {
            handshake = false;
        } else {
            onMessage.run();
        }
        if (!executor.tryInline(link, () -> wrap(protocol.handleQuick(message)))) {
            executor.submit(link, message.length, () -> wrap(protocol.handle(message)));
        }
    }

    @Override
    public void disconnected(Link link) {
        executor.submit(link, 0, () -> {
            protocol.sessionEnded();
            return null;
        });
    }

    /** Whether every message so far is answered (see {@link LinkExecutor#idle}). */
    boolean idle() {
        return executor.idle();
    }

    private static ByteBuffer wrap(byte[] reply) {
        return reply == null ? null : ByteBuffer.wrap(reply);
    }
}
