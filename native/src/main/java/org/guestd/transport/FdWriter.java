// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.nio.ByteBuffer;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of an {@link FdLink}: drains its {@link OutboundQueue} into a non-blocking fd
 * through a direct buffer, as a byte stream (64 KiB chunks, partial writes resumed) or as messages
 * (one write(2) per queued buffer). Event loop only.
 */
final class FdWriter {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");

    private final int fd;
    private final boolean messages;
    private final String describe;
    private final OutboundQueue queue;
    private final int bufferSize;
    private ByteBuffer buffer;

    FdWriter(int fd, boolean messages, int bufferSize, String describe, OutboundQueue queue) {
        this.fd = fd;
        this.messages = messages;
        this.describe = describe;
        this.queue = queue;
        this.bufferSize = bufferSize;
        this.buffer = ByteBuffer.allocateDirect(bufferSize);
    }

    /**
     * Writes queued data until the queue is empty or the fd would block.
     *
     * @return true when at least one write(2) succeeded (the peer is taking data)
     */
    boolean flush() throws NativeException {
        boolean wrote = false;
        ByteBuffer head;
        while ((head = queue.peek()) != null) {
            if (!(messages ? writeMessage(head) : writeChunk(head))) {
                break;
            }
            wrote = true;
        }
        return wrote;
    }

    private boolean writeChunk(ByteBuffer head) throws NativeException {
        buffer.clear();
        ByteBuffer src = head.duplicate();
        if (src.remaining() > buffer.capacity()) {
            src.limit(src.position() + buffer.capacity());
        }
        buffer.put(src).flip();
        int n = Posix.write(fd, buffer);
        if (n == 0) {
            return false;
        }
        head.position(head.position() + n);
        if (!head.hasRemaining()) {
            queue.remove();
        }
        return true;
    }

    private boolean writeMessage(ByteBuffer head) throws NativeException {
        if (head.remaining() > buffer.capacity()) {
            buffer = ByteBuffer.allocateDirect(head.remaining());
        }
        buffer.clear();
        buffer.put(head.duplicate()).flip();
        int len = buffer.remaining();
        int n = Posix.write(fd, buffer);
        if (n == 0 && len > 0) {
            return false;
        }
        if (buffer.capacity() > bufferSize) { // grown for one large message: give it back
            buffer = ByteBuffer.allocateDirect(bufferSize);
        }
        if (n < len) {
            FdLink.WARNINGS.warn("short-write:" + describe, "{}: short write of a message: {} of {} bytes", describe, n,
                    len);
        }
        queue.remove();
        return true;
    }
}
