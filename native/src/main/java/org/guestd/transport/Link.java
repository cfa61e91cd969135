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

    /**
     * Input back-pressure: stops reading from the peer until {@link #resumeReading}. The kernel's
     * buffer then fills and the peer's writes block (or fail with EAGAIN), as with qemu-ga, which
     * stops reading its channel while its blocking write of a reply waits. A {@code received} call
     * already under way finishes; data that arrives meanwhile stays in the kernel. A link also
     * pauses itself, whatever its owner says, while more than {@link #READ_PAUSE_ABOVE_BYTES} of
     * its writes wait for the peer, and resumes at {@link #READ_RESUME_BELOW_BYTES}. A hangup is
     * still noticed while paused. Safe from any thread; never blocks and never calls back.
     * Calls take effect in call order, so one owner must not call from two threads at once.
     */
    default void pauseReading() {}

    /** Ends {@link #pauseReading}: reading resumes unless the link's own write budget holds it. */
    default void resumeReading() {}

    /** Whether the link reads from its peer now (false while paused for either reason). */
    default boolean isReading() {
        return isOpen();
    }

    /** Bytes of unsent writes above which a link stops reading (1 MiB). */
    long READ_PAUSE_ABOVE_BYTES = 1L << 20;

    /** Bytes of unsent writes at or below which a link paused for them reads again (512 KiB). */
    long READ_RESUME_BELOW_BYTES = 512L << 10;

    /**
     * Most bytes a stream link reads at once (qemu-ga's 4 KiB): what one {@code received} call can
     * carry, so what a handler produces from it before a pause takes effect stays small.
     */
    int STREAM_READ_BYTES = 4096;

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
