// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.netty.channel.epoll.Native;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.SocketPairs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XenbusTransport on socketpair ends passed as {@code fd:N}, and on a device node that refuses writes. */
class XenbusTransportTest {
    private IoLoop loop;
    private ManualTimer timer;
    private XenbusTransport transport;

    @BeforeEach
    void setUp() {
        timer = new ManualTimer(); // virtual delays: a reopen could only be a scheduled task
        loop = timer.newLoop();
    }

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.close();
        }
        loop.close();
    }

    @Test
    void readsAreAStreamWritesAreOneWritePerMessageAndPeerCloseIsFinal() throws Exception {
        int[] sv = SocketPairs.seqpacket(); // the peer sees each write(2) as one record
        FdPeer peer = new FdPeer(sv[1], true);
        RecordingHandler h = new RecordingHandler();
        transport = new XenbusTransport("fd:" + sv[0], loop);
        transport.start(h);
        Link link = h.awaitConnected(1);
        peer.send(new byte[] {1, 2, 3});
        peer.send(new byte[] {4, 5});
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, h.awaitBytes(link, 5));
        byte[] a = new byte[40];
        byte[] b = new byte[4096];
        a[0] = 1;
        b[0] = 2;
        link.write(ByteBuffer.wrap(a));
        link.write(ByteBuffer.wrap(b));
        byte[] first = peer.receive(40);
        assertEquals(1, first[0]);
        byte[] second = peer.receive(4096);
        assertEquals(2, second[0]);
        peer.close();
        h.awaitDisconnected(link);
        timer.settle(); // the loop finished ending the link
        assertEquals(0, timer.scheduled(), "no reopen was scheduled");
        assertEquals(0, timer.advance(10_000));
        assertEquals(1, h.connectedLinks().size(), "one open, one link: no reopen, neither at once nor later");
        h.assertAllOnLoop();
    }

    @Test
    void aMissingDeviceFailsStart(@TempDir Path dir) {
        transport = new XenbusTransport(dir.resolve("xenbus").toString(), loop);
        NativeException e = assertThrows(NativeException.class, () -> transport.start(new RecordingHandler()));
        assertEquals("ENOENT", e.errnoName());
        assertThrows(IllegalArgumentException.class, () -> new XenbusTransport("fd:x", loop));
    }

    /**
     * A descriptor that refuses a write: an eventfd takes only 8-byte writes, so a 7-byte message
     * fails with EINVAL, as the xenbus device fails a message it rejects. The refusal goes to the
     * RefusalHandler, the message is dropped, and the link stays open.
     */
    @Test
    void aRefusedMessageIsReportedAndTheLinkStaysOpen() throws Exception {
        int efd = Native.newEventFd().intValue();
        List<Integer> refusals = new CopyOnWriteArrayList<>();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        CountDownLatch refused = new CountDownLatch(2);
        RecordingHandler inner = new RecordingHandler();
        transport = new XenbusTransport("fd:" + efd, loop);
        transport.start(new XenbusTransport.RefusalHandler() {
            @Override
            public void refused(Link link, ByteBuffer message, int errno, String errnoName) {
                refusals.add(errno);
                sizes.add(message.remaining());
                refused.countDown();
            }

            @Override
            public void connected(Link link) {
                inner.connected(link);
            }

            @Override
            public void received(Link link, ByteBuffer data) {
                inner.received(link, data);
            }

            @Override
            public void disconnected(Link link) {
                inner.disconnected(link);
            }
        });
        Link link = inner.awaitConnected(1);
        link.write(ByteBuffer.wrap(new byte[7]));
        link.write(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}));
        link.write(ByteBuffer.wrap(new byte[9]));
        assertTrue(refused.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(22, 22), refusals, "EINVAL, once per refused message");
        assertEquals(List.of(7, 9), sizes, "the whole refused message");
        assertEquals(8, inner.awaitBytes(link, 8).length, "the accepted one went through (and reads back)");
        assertTrue(link.isOpen());
        transport.close();
        inner.awaitDisconnected(link);
    }

    @Test
    void closeBeforeAttachIsClean() throws IOException {
        int[] sv = SocketPairs.stream();
        transport = new XenbusTransport("fd:" + sv[0], loop);
        RecordingHandler h = new RecordingHandler();
        transport.start(h);
        transport.close();
        transport.close();
        assertThrows(IllegalStateException.class, () -> transport.start(h));
        new FdPeer(sv[1], true).close();
    }
}
