// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Method, Backoff, OutboundQueue, Transports and IoLoop. */
class SmallPartsTest {
    @Test
    void methodNamesRoundTrip() {
        for (Method m : Method.values()) {
            assertEquals(m, Method.parse(m.wireName()));
        }
        assertEquals(Method.VIRTIO_SERIAL, Method.parse(" Virtio-Serial "));
        assertEquals("char-device", Method.CHAR_DEVICE.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Method.parse("serial"));
        assertEquals("invalid method 'serial', expected one of: virtio-serial, isa-serial, unix-listen, "
                + "vsock-listen, char-device", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Method.parse(null));
    }

    @Test
    void backoffDoublesToTheCapAndResets() {
        Backoff b = new Backoff(100, 1000);
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (long d : expected) {
            assertEquals(d, b.next());
        }
        assertEquals(6, b.attempts());
        b.reset();
        assertEquals(100, b.next());
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
    }

    @Test
    void outboundQueueKeepsOrderCopiesAndCaps() {
        OutboundQueue q = new OutboundQueue(10);
        ByteBuffer src = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6});
        assertTrue(q.add(src, "t"));
        assertEquals(0, src.position(), "caller's buffer untouched");
        src.put(0, (byte) 9);
        assertEquals(1, q.peek().get(0), "a copy was queued");
        assertFalse(q.add(ByteBuffer.allocate(5), "t"), "over the cap: dropped");
        assertTrue(q.add(ByteBuffer.allocate(4), "t"));
        q.remove();
        assertEquals(4, q.peek().remaining());
        assertTrue(q.add(ByteBuffer.allocate(6), "t"), "room again after a removal");
        assertTrue(q.claimDrain());
        assertFalse(q.claimDrain());
        q.drainStarted();
        assertTrue(q.claimDrain());
        q.clear();
        assertTrue(q.isEmpty());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void transportsPickTheImplementation() {
        try (IoLoop loop = IoLoop.create()) {
            assertInstanceOf(StreamDeviceTransport.class, Transports.create(Method.VIRTIO_SERIAL, "/dev/vport0p1", loop));
            assertInstanceOf(StreamDeviceTransport.class, Transports.create(Method.ISA_SERIAL, "/dev/ttyS1", loop));
            assertInstanceOf(MessageFdTransport.class, Transports.create(Method.CHAR_DEVICE, "fd:3", loop));
            assertInstanceOf(UnixListenTransport.class, Transports.create(Method.UNIX_LISTEN, "/run/x.sock", loop));
            assertInstanceOf(VsockListenTransport.class, Transports.create(Method.VSOCK_LISTEN, "-1:1234", loop));
            assertEquals("isa-serial:/dev/ttyS1", Transports.create(Method.ISA_SERIAL, "/dev/ttyS1", loop).describe());
            assertThrows(IllegalArgumentException.class, () -> Transports.create(Method.VIRTIO_SERIAL, "", loop));
            assertThrows(IllegalArgumentException.class,
                    () -> new StreamDeviceTransport(Method.UNIX_LISTEN, "/x", loop));
            // never started: close is a no-op
            Transports.create(Method.VIRTIO_SERIAL, "/dev/vport0p1", loop).close();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void ioLoopRunsTasksOnOneDaemonThreadNamedGuestdIo() throws Exception {
        IoLoop loop = IoLoop.create();
        Thread[] seen = new Thread[1];
        loop.eventLoop().submit(() -> seen[0] = Thread.currentThread()).get(10, TimeUnit.SECONDS);
        assertEquals("guestd-io", seen[0].getName());
        assertTrue(seen[0].isDaemon());
        assertFalse(loop.inLoop());
        loop.close();
        assertTrue(loop.isShuttingDown());
        loop.close(); // idempotent
        assertTrue(loop.eventLoop().isTerminated() || loop.eventLoop().isShuttingDown());
    }
}
