// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.SocketPairs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** char-device on one end of a SOCK_SEQPACKET socketpair passed as {@code fd:N}: how tests emulate hv_kvp. */
class MessageFdTransportTest extends AbstractTransportContractTest {
    @TempDir
    Path dir;

    private FdPeer prepared;
    private String fdPath;

    @Override
    protected Transport newTransport(IoLoop loop) throws Exception {
        int[] sv = SocketPairs.seqpacket();
        prepared = new FdPeer(sv[1], true);
        fdPath = "fd:" + sv[0];
        return Transports.create(Method.CHAR_DEVICE, fdPath, loop);
    }

    @Override
    protected Peer newPeer() {
        return prepared;
    }

    @Override
    protected String linkPrefix() {
        return "char-device:" + fdPath;
    }

    @Override
    protected boolean messageFramed() {
        return true;
    }

    @Override
    protected void assertServesAfterHandlerFailure(Link failed) {
        // an inherited descriptor is never reopened: the link is gone for good (the peer saw EOF)
        assertEquals(1, handler.connectedLinks().size());
    }

    @Test
    void boundariesArePreservedBothWaysEvenWhenBatched() throws Exception {
        Link link = startAndConnect();
        for (int i = 1; i <= 20; i++) {
            peer.send(ascii("m".repeat(i)));
        }
        List<byte[]> got = handler.awaitMessages(link, 20);
        for (int i = 1; i <= 20; i++) {
            assertEquals("m".repeat(i), new String(got.get(i - 1)));
        }
        for (int i = 1; i <= 20; i++) {
            link.write(buf(ascii("r".repeat(i))));
        }
        for (int i = 1; i <= 20; i++) {
            assertEquals("r".repeat(i), new String(peer.receiveMessage()));
        }
    }

    @Test
    void aMessageLargerThanTheBufferIsDroppedAndTheLinkGoesOn() throws Exception {
        int[] sv = SocketPairs.seqpacket();
        FdPeer p = new FdPeer(sv[1], true);
        peer = p;
        transport = new MessageFdTransport("fd:" + sv[0], loop, 1024);
        transport.start(handler);
        Link link = handler.awaitConnected(1);
        peer.send(new byte[1024]); // exactly fits
        peer.send(new byte[3000]); // too large: dropped with a warning
        peer.send(ascii("after"));
        List<byte[]> got = handler.awaitMessages(link, 2);
        assertEquals(1024, got.get(0).length);
        assertArrayEquals(ascii("after"), got.get(1));
        assertTrue(link.isOpen());
        link.write(buf(ascii("still works")));
        assertArrayEquals(ascii("still works"), peer.receiveMessage());
        assertEquals(2, handler.messages(link).size());
    }

    @Test
    void anInheritedFdIsNotReopenedAfterThePeerLeaves() throws Exception {
        loop.close();
        ManualTimer timer = new ManualTimer(); // virtual time: a reopen could only be a scheduled task
        loop = timer.newLoop();
        Link link = startAndConnect();
        peer.close();
        handler.awaitDisconnected(link);
        timer.settle(); // the loop finished ending the link (the transport hears of it after the handler)
        assertEquals(0, timer.scheduled(), "no reopen was scheduled");
        assertEquals(0, timer.advance(10_000));
        assertEquals(1, handler.count("connected", null), "and none happened at once");
    }

    @Test
    void startFailsOnAMissingDevice() {
        transport = new MessageFdTransport(dir.resolve("hv_kvp").toString(), loop);
        ChannelOpenException e = assertThrows(ChannelOpenException.class, () -> transport.start(handler));
        assertEquals(ChannelOpenException.Reason.ABSENT, e.reason());
        assertEquals("ENOENT", ((NativeException) e.getCause()).errnoName());
    }

    @Test
    void badInheritedFdSpecIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Transports.create(Method.CHAR_DEVICE, "fd:x", loop));
        assertThrows(IllegalArgumentException.class, () -> Transports.create(Method.CHAR_DEVICE, "fd:-3", loop));
    }
}
