// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A byte source whose reads give up at a deadline. Sockets use a {@link Selector}; any other
 * channel gets a reader thread feeding a bounded queue (plain channels have no read timeout).
 */
interface TimedInput extends Closeable {

    /**
     * Reads into {@code dst}: the byte count (&gt; 0), -1 at end of stream, or 0 when nothing
     * arrived within {@code timeoutNanos}.
     */
    int read(ByteBuffer dst, long timeoutNanos) throws IOException;

    /** The best implementation for {@code ch}. */
    static TimedInput of(ReadableByteChannel ch) throws IOException {
        if (ch instanceof SelectableChannel) {
            return new SelectorInput((SelectableChannel) ch);
        }
        return new PumpInput(ch);
    }

    /** Non-blocking reads on a selectable channel, waiting in {@link Selector#select(long)}. */
    final class SelectorInput implements TimedInput {
        private final SelectableChannel channel;
        private final Selector selector;

        SelectorInput(SelectableChannel channel) throws IOException {
            this.channel = channel;
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        }

        @Override
        public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (true) {
                int n = ((ReadableByteChannel) channel).read(dst);
                if (n != 0) {
                    return n;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the agent");
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
        }
    }

    /** A daemon thread doing blocking reads into a bounded queue of chunks. */
    final class PumpInput implements TimedInput {
        private static final Object EOF = new Object();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
        private final Thread thread;
        private ByteBuffer current;
        private Object terminal;

        PumpInput(ReadableByteChannel ch) {
            thread = new Thread(() -> pump(ch), "qga-client-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void pump(ReadableByteChannel ch) {
            ByteBuffer b = ByteBuffer.allocate(65536);
            try {
                while (true) {
                    b.clear();
                    int n = ch.read(b);
                    if (n < 0) {
                        queue.put(EOF);
                        return;
                    }
                    if (n > 0) {
                        b.flip();
                        ByteBuffer chunk = ByteBuffer.allocate(n);
                        chunk.put(b).flip();
                        queue.put(chunk);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                queue.offer(e);
            }
        }

        @Override
        public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
            if (current == null || !current.hasRemaining()) {
                Object o = terminal;
                if (o == null) {
                    try {
                        o = queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for the agent");
                    }
                }
                if (o == null) {
                    return 0;
                }
                if (o == EOF || o instanceof IOException) {
                    terminal = o;
                    if (o instanceof IOException) {
                        throw new IOException("read from agent failed: " + ((IOException) o).getMessage(),
                                (IOException) o);
                    }
                    return -1;
                }
                current = (ByteBuffer) o;
            }
            int n = Math.min(dst.remaining(), current.remaining());
            ByteBuffer slice = current.slice();
            slice.limit(n);
            dst.put(slice);
            current.position(current.position() + n);
            return n;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
