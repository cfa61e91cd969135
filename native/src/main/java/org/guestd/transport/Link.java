// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.nio.ByteBuffer;

/**
 * One session with the host over a {@link Transport}: an accepted client of a listening socket,
 * or the opened device of a serial port or char device. Protocol modules see only this and
 * {@link Handler}, never Netty or file descriptors.
 */
public interface Link {
    /**
     * Queues {@code data} (copied; the caller keeps its buffer) and writes it without ever blocking
     * the calling thread, in call order. On a message-framed transport one call is one message.
     * Safe from any thread. Data written after the link closed is dropped.
     */
    void write(ByteBuffer data);

    /**
     * Bytes accepted by {@link #write} and not yet written to the channel: what a slow peer leaves
     * queued. Producers that can wait (a worker thread) hold back while this is high, as qemu-ga's
     * blocking write does, instead of making the queue drop their data at its cap.
     */
    default long pendingWriteBytes() {
        return 0;
    }

    /** Closes this session (a listening transport keeps listening; a device is reopened). */
    void close();

    /** True until the link is closed or lost. */
    boolean isOpen();

    /** For logs: e.g. {@code "unix:/run/guestd/qga.sock#3"} or {@code "virtio-serial:/dev/vport0p1"}. */
    String describe();

    /**
     * Receives a link's events. All calls for one link come from the same event-loop thread, in
     * order; implementations must not block it.
     */
    interface Handler {
        /** A session began; {@code received} calls for it follow. */
        void connected(Link link);

        /**
         * Bytes arrived. On a stream transport any chunk of the stream; on a message-framed
         * transport exactly one whole message. The buffer is only valid during the call.
         */
        void received(Link link, ByteBuffer data);

        /** The session ended (peer closed, error, or {@link Link#close()}). */
        void disconnected(Link link);
    }
}
