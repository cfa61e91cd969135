// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import io.netty.channel.unix.FileDescriptor;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.Pty;
import org.guestd.jna.linux.Termios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtio-serial/isa-serial on a pty: the transport opens the slave through a symlink in a temp
 * dir (so a reopen can never reach somebody else's reused /dev/pts/N), the test drives the master.
 * The backoff tests run the loop on a {@link ManualTimer}: real pty I/O, virtual delays.
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
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            master.close();
        }
    }

    private PtyPeer prepared;
    private ManualTimer timer;

    /** Replaces this test's loop by one whose delays and clock only move when the test says so. */
    private void useManualTime() {
        loop.close();
        timer = new ManualTimer();
        loop = timer.newLoop();
    }

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
        useManualTime();
        Link first = startAndConnect();
        peer.send(ascii("a"));
        assertArrayEquals(ascii("a"), handler.awaitBytes(first, 1));

        peer.close(); // symlink gone, slave hung up: EOF with EPOLLERR is an error, not "no host"
        handler.awaitDisconnected(first);
        timer.awaitPending(List.of(100L)); // one reopen, 100 ms out

        PtyPeer second = newPty(true); // the device comes back (possibly as another /dev/pts/N)
        peer = second;
        assertEquals(0, timer.advance(99), "no reopen before the backoff delay");
        assertEquals(1, handler.count("connected", null));
        assertEquals(1, timer.advance(1), "exactly one reopen when it is due");
        Link next = handler.awaitConnected(2);
        assertEquals(List.of(), timer.pendingDelays(), "it opened: no further attempt");
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
    void theBackoffDoublesWhileTheDeviceFlapsAndStartsOverAfterALinkStayedUp() throws Exception {
        useManualTime();
        Link first = startAndConnect();
        peer.close();
        handler.awaitDisconnected(first);
        timer.awaitPending(List.of(100L));
        peer = newPty(true);
        assertEquals(1, timer.advance(100));
        Link second = handler.awaitConnected(2);

        peer.close(); // the new link ends at once: flapping, the backoff keeps growing
        handler.awaitDisconnected(second);
        timer.awaitPending(List.of(200L));
        peer = newPty(true);
        assertEquals(0, timer.advance(199));
        assertEquals(2, handler.count("connected", null));
        assertEquals(1, timer.advance(1));
        Link third = handler.awaitConnected(3);

        assertEquals(0, timer.advance(5000)); // this link stays up for the longest backoff
        peer.close();
        handler.awaitDisconnected(third);
        timer.awaitPending(List.of(100L)); // so the next reopen starts over at 100 ms
        assertEquals(3, handler.count("connected", null));
    }

    @Test
    void endOfFileWithoutErrorIsNoHostAndDoesNotSpinOrDisconnect() throws Exception {
        // A pipe whose writer goes away behaves like a virtio-serial port without a host:
        // read() = 0 forever and a level-triggered EPOLLHUP that never clears.
        useManualTime();
        FileDescriptor[] pipe = FileDescriptor.pipe();
        int readFd = pipe[0].intValue();
        transport = Transports.create(Method.VIRTIO_SERIAL, "fd:" + readFd, loop);
        transport.start(handler);
        Link link = handler.awaitConnected(1);
        write(pipe[1].intValue(), "one");
        assertArrayEquals(ascii("one"), handler.awaitBytes(link, 3));

        pipe[1].close(); // "host" disconnects
        timer.awaitPending(List.of(100L)); // the link saw end of file: a retry read is due in 100 ms
        timer.settle(); // the edge-triggered re-registration may report the hangup once more
        FdLink fdLink = (FdLink) link;
        long reads = fdLink.readCalls;
        timer.settle(); // five more trips through epoll: a level-triggered hangup would read on each
        assertEquals(reads, fdLink.readCalls, "no read without an edge or a due retry: the loop does not spin");
        assertEquals(0, timer.advance(99));
        assertEquals(reads, fdLink.readCalls, "no retry before its delay");
        long[] delays = {100, 200, 400, 800, 1000, 1000}; // capped at 1 s
        for (int i = 0; i < delays.length; i++) {
            assertEquals(List.of(delays[i]), timer.pendingDelays());
            assertEquals(1, timer.advance(delays[i] - (i == 0 ? 99 : 0)), "one retry when due");
            assertEquals(reads + i + 1, fdLink.readCalls, "exactly one read burst per retry");
        }
        assertTrue(link.isOpen());

        int writer = Posix.openFd("/proc/self/fd/" + readFd, Posix.O_WRONLY | Posix.O_CLOEXEC); // host is back
        try {
            write(writer, "two");
            assertArrayEquals(ascii("onetwo"), handler.awaitBytes(link, 6));
            timer.settle();
            assertEquals(List.of(), timer.pendingDelays(), "data arrived: the pending retry was cancelled");
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
        useManualTime();
        transport = Transports.create(Method.VIRTIO_SERIAL, port().toString(), loop, true);
        transport.start(handler); // the port does not exist yet: no exception
        timer.awaitPending(List.of(100L));
        assertEquals(0, timer.advance(99), "no attempt before the first delay");
        assertEquals(1, timer.advance(1)); // still missing: the next attempt is twice as far
        assertEquals(List.of(200L), timer.pendingDelays());
        assertEquals(1, timer.advance(200));
        assertEquals(List.of(400L), timer.pendingDelays());
        assertEquals(0, handler.count("connected", null));
        peer = newPty(true); // the port appears (udev creating the symlink, say)
        assertEquals(0, timer.advance(399), "it is not looked for before the next attempt");
        assertEquals(0, handler.count("connected", null));
        assertEquals(1, timer.advance(1));
        Link link = handler.awaitConnected(1);
        assertEquals(List.of(), timer.pendingDelays(), "opened: no attempt left");
        peer.send(ascii("hello"));
        assertArrayEquals(ascii("hello"), handler.awaitBytes(link, 5));
        link.write(buf(ascii("hi")));
        assertArrayEquals(ascii("hi"), peer.receive(2));
        assertEquals(1, handler.count("connected", null));
    }

    @Test
    void closeStopsWaitingForAMissingDevice() throws Exception {
        useManualTime();
        transport = Transports.create(Method.ISA_SERIAL, port().toString(), loop, true);
        transport.start(handler);
        timer.awaitPending(List.of(100L));
        transport.close();
        assertEquals(List.of(), timer.pendingDelays(), "close cancels the scheduled attempt");
        assertEquals(1, timer.cancelled());
        peer = newPty(true);
        assertEquals(0, timer.advance(10_000), "no attempt runs after close");
        assertEquals(1, timer.scheduled(), "and none was scheduled after the first");
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
