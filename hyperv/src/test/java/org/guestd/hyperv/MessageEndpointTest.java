// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.guestd.transport.Link;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The endpoint's order guarantee with the fast path: a message the protocol could answer inline is
 * answered inline only when every earlier message has been answered; otherwise it waits its turn on
 * the worker. Messages here are two bytes, kind and id: 'S' slow (worker only), 'Q' quick (inline if
 * allowed), 'F' fails in handle, 'T' throws in handleQuick (then handled on the worker).
 * The queue itself is tested by native's {@code LinkExecutorTest}.
 */
class MessageEndpointTest {
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final List<String> inline = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread io = Thread.currentThread(); // the test thread plays the event loop

    private final DeviceProtocol protocol = new DeviceProtocol() {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public byte[] register() {
            return new byte[] {'R'};
        }

        @Override
        public byte[] handle(byte[] m) {
            if (m[0] == 'F') {
                throw new IllegalStateException("bad message (test)");
            }
            if (m[0] == 'S') {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new byte[] {m[0], m[1]};
        }

        @Override
        public byte[] handleQuick(byte[] m) {
            if (m[0] == 'T') {
                throw new OutOfMemoryError("test");
            }
            if (m[0] != 'Q') {
                return null;
            }
            inline.add("" + (char) m[1]);
            assertSame(io, Thread.currentThread());
            return new byte[] {m[0], m[1]};
        }

        @Override
        public void sessionEnded() {
            written.add("E-");
        }
    };

    private final Link link = new Link() {
        @Override
        public void write(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.duplicate().get(b);
            written.add(new String(b, StandardCharsets.US_ASCII));
        }

        @Override
        public void close() {}

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public String describe() {
            return "fake";
        }
    };

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    private static ByteBuffer msg(char kind, char id) {
        return ByteBuffer.wrap(new byte[] {(byte) kind, (byte) id});
    }

    private void awaitWritten(int n) throws InterruptedException {
        while (written.size() < n) { // bounded by the test's timeout
            Thread.sleep(1);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void quickMessagesNeverOvertakeEarlierReplies() throws Exception {
        MessageEndpoint ep = new MessageEndpoint(protocol, workers);
        ep.received(link, msg('Q', '1')); // idle: answered here
        assertEquals(List.of("Q1"), written);
        ep.received(link, msg('S', '2')); // to the worker, which blocks
        ep.received(link, msg('Q', '3')); // not idle: must queue behind 2
        ep.received(link, msg('Q', '4'));
        assertEquals(List.of("1"), inline);
        assertEquals(List.of("Q1"), written);
        release.countDown();
        awaitWritten(4);
        assertEquals(List.of("Q1", "S2", "Q3", "Q4"), written);
        assertTrue(ep.idle(), "the worker counts its task finished as it writes the reply");
        ep.received(link, msg('Q', '5')); // every earlier reply written: inline again
        assertEquals(List.of("1", "5"), inline);
        assertEquals(List.of("Q1", "S2", "Q3", "Q4", "Q5"), written);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void registrationFirstFailuresAnsweredWithNothingSessionEndLast() throws Exception {
        MessageEndpoint ep = new MessageEndpoint(protocol, workers);
        release.countDown();
        ep.connected(link);
        awaitWritten(1);
        ep.received(link, msg('T', '0')); // idle, but the fast path throws: handled on the worker
        ep.received(link, msg('S', '1'));
        ep.received(link, msg('F', '2')); // logged, no reply, the queue goes on
        ep.received(link, msg('S', '3'));
        ep.disconnected(link);
        awaitWritten(5);
        assertEquals(List.of("R", "T0", "S1", "S3", "E-"), written);
        assertTrue(ep.idle());
        assertEquals(List.of(), inline);
    }
}
