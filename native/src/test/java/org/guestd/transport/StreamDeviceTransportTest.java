// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.unix.FileDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.Pty;
import org.guestd.jna.linux.Termios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtio-serial/isa-serial on a pty: the transport opens the slave through a symlink in a temp
 * dir (so a reopen can never reach somebody else's reused /dev/pts/N), the test drives the master.
 */
class StreamDeviceTransportTest extends AbstractTransportContractTest {
    @TempDir
    Path dir;

    private Path port() {
        return dir.resolve("vport0p1");
    }

    /** The pty master as peer; closing it first removes the symlink, then hangs the slave up. */
    private final class PtyPeer implements Peer {
        final FdPeer master;

        PtyPeer(Pty pty) throws NativeException {
            master = new FdPeer(pty.masterFd(), false);
        }

        @Override
        public void send(byte[] data) throws Exception {
            master.send(data);
        }

        @Override
        public byte[] receive(int n) throws Exception {
            return master.receive(n);
        }

        @Override
        public byte[] receiveMessage() {
            throw new UnsupportedOperationException("stream peer");
        }

        @Override
        public byte[] readToEnd() {
            return null;
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(port());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            master.close();
        }
    }

    private PtyPeer prepared;

    /** A new raw pty, with the port symlink (re)pointed at its slave atomically. */
    private PtyPeer newPty(boolean raw) throws Exception {
        Pty pty = Pty.open(false);
        if (raw) {
            Termios.makeRaw(pty.masterFd(), 38400); // on a master this sets the slave's line
        }
        Path tmp = dir.resolve("link.tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(pty.slavePath()));
        Files.move(tmp, port(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new PtyPeer(pty);
    }

    @Override
    protected Transport newTransport(IoLoop loop) throws Exception {
        prepared = newPty(true);
        return Transports.create(Method.VIRTIO_SERIAL, port().toString(), loop);
    }

    @Override
    protected Peer newPeer() {
        return prepared;
    }

    @Override
    protected String linkPrefix() {
        return "virtio-serial:" + port();
    }

    @Override
    protected void assertDroppedAfterClose(Link closed) throws Exception {
        // Link.close() on a device reopens it: the next link's data must come first on the master.
        Link next = handler.awaitConnected(2);
        assertNotSame(closed, next);
        next.write(buf(ascii("z")));
        assertArrayEquals(ascii("z"), peer.receive(1));
    }

    @Override
    protected void assertServesAfterHandlerFailure(Link failed) throws Exception {
        Link next = handler.awaitConnected(2); // a device link closed for a handler failure is reopened
        assertNotSame(failed, next);
        peer.send(ascii("x"));
        assertArrayEquals(ascii("x"), handler.awaitBytes(next, 1));
        next.write(buf(ascii("y")));
        assertArrayEquals(ascii("y"), peer.receive(1));
    }

    @Test
    void reopensWithBackoffAfterTheDeviceGoesAway() throws Exception {
        Link first = startAndConnect();
        peer.send(ascii("a"));
        assertArrayEquals(ascii("a"), handler.awaitBytes(first, 1));

        peer.close(); // symlink gone, slave hung up: EOF with EPOLLERR is an error, not "no host"
        handler.awaitDisconnected(first);

        PtyPeer second = newPty(true); // the device comes back (possibly as another /dev/pts/N)
        peer = second;
        Link next = handler.awaitConnected(2);
        assertNotSame(first, next);
        assertTrue(next.isOpen());
        second.send(ascii("b"));
        assertArrayEquals(ascii("b"), handler.awaitBytes(next, 1));
        next.write(buf(ascii("c")));
        assertArrayEquals(ascii("c"), second.receive(1));
        handler.assertOrderPerLink();
        handler.assertAllOnLoop();
    }

    @Test
    void endOfFileWithoutErrorIsNoHostAndDoesNotSpinOrDisconnect() throws Exception {
        // A pipe whose writer goes away behaves like a virtio-serial port without a host:
        // read() = 0 forever and a level-triggered EPOLLHUP that never clears.
        FileDescriptor[] pipe = FileDescriptor.pipe();
        int readFd = pipe[0].intValue();
        transport = Transports.create(Method.VIRTIO_SERIAL, "fd:" + readFd, loop);
        transport.start(handler);
        Link link = handler.awaitConnected(1);
        write(pipe[1].intValue(), "one");
        assertArrayEquals(ascii("one"), handler.awaitBytes(link, 3));

        pipe[1].close(); // "host" disconnects
        Thread.sleep(1500);
        long reads = ((FdLink) link).readCalls;
        assertTrue(reads < 50, "read bursts while no host: " + reads + " (a spinning loop makes thousands)");
        assertTrue(link.isOpen());

        int writer = Posix.openFd("/proc/self/fd/" + readFd, Posix.O_WRONLY | Posix.O_CLOEXEC); // host is back
        try {
            write(writer, "two");
            assertArrayEquals(ascii("onetwo"), handler.awaitBytes(link, 6));
        } finally {
            Posix.close(writer);
        }
        assertEquals(1, handler.count("connected", null), "a host reconnect is not a new session");
        assertEquals(0, handler.count("disconnected", null));
    }

    @Test
    void isaSerialPutsTheLineIntoRawMode() throws Exception {
        peer = newPty(false); // canonical mode with echo, as a fresh tty is
        transport = Transports.create(Method.ISA_SERIAL, port().toString(), loop);
        transport.start(handler);
        Link link = handler.awaitConnected(1);
        byte[] sent = {'{', '\r', 3, 0x7f, (byte) 0xff}; // no newline: canonical mode would hold it back
        peer.send(sent);
        assertArrayEquals(sent, handler.awaitBytes(link, sent.length));
        link.write(buf(ascii("x\n")));
        assertArrayEquals(ascii("x\n"), peer.receive(2), "no echo, no output processing (ONLCR)");
    }

    @Test
    void startFailsWhenThePathIsMissing() {
        transport = Transports.create(Method.VIRTIO_SERIAL, port().toString(), loop);
        ChannelOpenException e = assertThrows(ChannelOpenException.class, () -> transport.start(handler));
        assertEquals(ChannelOpenException.Reason.ABSENT, e.reason());
        assertEquals("open(" + port() + ") failed: ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void withRetryMissingStartWaitsUntilTheDeviceAppears() throws Exception {
        transport = Transports.create(Method.VIRTIO_SERIAL, port().toString(), loop, true);
        transport.start(handler); // the port does not exist yet: no exception
        Thread.sleep(350); // not an assertion: lets a few open attempts fail first (100, 200 ms apart)
        assertEquals(0, handler.count("connected", null));
        peer = newPty(true); // the port appears (udev creating the symlink, say)
        Link link = handler.awaitConnected(1);
        peer.send(ascii("hello"));
        assertArrayEquals(ascii("hello"), handler.awaitBytes(link, 5));
        link.write(buf(ascii("hi")));
        assertArrayEquals(ascii("hi"), peer.receive(2));
        assertEquals(1, handler.count("connected", null));
    }

    @Test
    void closeStopsWaitingForAMissingDevice() throws Exception {
        transport = Transports.create(Method.ISA_SERIAL, port().toString(), loop, true);
        transport.start(handler);
        transport.close();
        peer = newPty(true);
        Thread.sleep(400); // an attempt still scheduled would have opened it by now (backoff 100, 200 ms)
        assertEquals(0, handler.count("connected", null));
    }

    private static void write(int fd, String s) throws NativeException {
        ByteBuffer b = ByteBuffer.allocateDirect(s.length());
        b.put(ascii(s)).flip();
        while (b.hasRemaining()) {
            Posix.write(fd, b);
        }
    }
}
