// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

/**
 * Writes with a deadline. A non-blocking channel (the socket {@link TimedInput} switched to
 * non-blocking mode) waits for writability in a selector; a blocking one just writes.
 */
final class ChannelOutput implements Closeable {
    private final WritableByteChannel out;
    private Selector selector;

    ChannelOutput(WritableByteChannel out) {
        this.out = out;
    }

    /** Writes all of {@code buf}, failing with a timeout when the peer stops reading. */
    void writeFully(ByteBuffer buf, long deadline, String peer) throws IOException {
        while (buf.hasRemaining()) {
            int n;
            try {
                n = out.write(buf);
            } catch (IOException e) {
                throw new IOException("write to " + peer + " failed: " + e.getMessage(), e);
            }
            if (n > 0) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException(peer + " stopped reading; " + buf.remaining()
                        + " bytes unsent");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while writing to " + peer);
            }
            if (out instanceof SelectableChannel && !((SelectableChannel) out).isBlocking()) {
                if (selector == null) {
                    selector = Selector.open();
                    ((SelectableChannel) out).register(selector, SelectionKey.OP_WRITE);
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Completes a pending non-blocking connect before {@code deadline}. */
    static void awaitConnect(SocketChannel ch, long deadline) throws IOException {
        try (Selector s = Selector.open()) {
            ch.register(s, SelectionKey.OP_CONNECT);
            while (!ch.finishConnect()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("connect timed out");
                }
                s.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                s.selectedKeys().clear();
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (selector != null) {
            selector.close();
        }
    }
}
