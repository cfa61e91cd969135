// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * What every transport promises through {@link Transport} and {@link Link}: a session starts with
 * {@code connected}, split and large data arrive complete, writes keep call order and never block,
 * the peer closing ends the session, and writes after close are dropped. Subclasses provide the
 * transport and the peer (the test's end of the channel).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // hang guard only
abstract class AbstractTransportContractTest {
    protected IoLoop loop;
    protected Transport transport;
    protected RecordingHandler handler;
    protected Peer peer;

    /** Creates the transport, not started (and whatever the peer needs before it, e.g. a pty). */
    protected abstract Transport newTransport(IoLoop loop) throws Exception;

    /** The peer, after {@link Transport#start}: connects a client, or returns the prepared end. */
    protected abstract Peer newPeer() throws Exception;

    /** The start of every link's {@link Link#describe()}. */
    protected abstract String linkPrefix();

    /** True for message-framed transports. */
    protected boolean messageFramed() {
        return false;
    }

    /**
     * After {@code closed} was closed by the agent and a late write was made on it: proves that
     * write never reached the peer. Default: the peer reads to end of file and sees nothing.
     */
    protected void assertDroppedAfterClose(Link closed) throws Exception {
        assertArrayEquals(new byte[0], peer.readToEnd());
    }

    /**
     * After a handler call threw and {@code failed} was closed for it: proves the transport serves
     * again. Default (listening transports): a new client connects and data flows both ways.
     */
    protected void assertServesAfterHandlerFailure(Link failed) throws Exception {
        try (Peer next = newPeer()) {
            Link l = handler.awaitConnected(2);
            assertNotSame(failed, l);
            next.send(ascii("x"));
            assertArrayEquals(ascii("x"), handler.awaitBytes(l, 1));
            l.write(buf(ascii("y")));
            byte[] got = messageFramed() ? next.receiveMessage() : next.receive(1);
            assertArrayEquals(ascii("y"), got);
        }
    }

    @BeforeEach
    void setUpLoop() {
        loop = IoLoop.create();
        handler = new RecordingHandler();
    }

    @AfterEach
    void tearDownLoop() {
        if (transport != null) {
            transport.close();
        }
        if (peer != null) {
            peer.close();
        }
        loop.close();
    }

    protected Link startAndConnect() throws Exception {
        transport = newTransport(loop);
        transport.start(handler);
        peer = newPeer();
        return handler.awaitConnected(1);
    }

    protected static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    protected static ByteBuffer buf(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    @Test
    void connectedOnceWithAnOpenLink() throws Exception {
        Link link = startAndConnect();
        assertTrue(link.isOpen());
        assertTrue(link.describe().startsWith(linkPrefix()), link.describe());
        assertFalse(transport.describe().isEmpty());
        assertEquals(1, handler.count("connected", null));
        handler.assertAllOnLoop();
    }

    @Test
    void deliversWhatThePeerSendsInPieces() throws Exception {
        Link link = startAndConnect();
        if (messageFramed()) {
            peer.send(ascii("first"));
            peer.send(ascii("second message"));
            peer.send(new byte[] {0});
            List<byte[]> m = handler.awaitMessages(link, 3);
            assertArrayEquals(ascii("first"), m.get(0));
            assertArrayEquals(ascii("second message"), m.get(1));
            assertArrayEquals(new byte[] {0}, m.get(2));
        } else {
            peer.send(ascii("{\"execute\":"));
            assertArrayEquals(ascii("{\"execute\":"), handler.awaitBytes(link, 11));
            peer.send(ascii("\"guest-ping\"}\n"));
            assertArrayEquals(ascii("{\"execute\":\"guest-ping\"}\n"), handler.awaitBytes(link, 25));
        }
        handler.assertAllOnLoop();
    }

    @Test
    void manyWritesFromSeveralThreadsKeepEachCallersOrder() throws Exception {
        Link link = startAndConnect();
        int perThread = 600;
        List<Thread> writers = new ArrayList<>();
        for (char tag : new char[] {'A', 'B', 'C'}) {
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    link.write(buf(ascii(String.format("%c%05d;", tag, i))));
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            t.join();
        }
        List<String> tokens = new ArrayList<>();
        if (messageFramed()) {
            for (int i = 0; i < 3 * perThread; i++) {
                tokens.add(new String(peer.receiveMessage(), StandardCharsets.US_ASCII));
            }
        } else {
            String all = new String(peer.receive(3 * perThread * 7), StandardCharsets.US_ASCII);
            for (int i = 0; i < all.length(); i += 7) {
                tokens.add(all.substring(i, i + 7));
            }
        }
        int[] next = new int[3];
        for (String t : tokens) {
            int w = t.charAt(0) - 'A';
            assertEquals(String.format("%c%05d;", t.charAt(0), next[w]), t, "per-writer order");
            next[w]++;
        }
        assertArrayEquals(new int[] {perThread, perThread, perThread}, next);
    }

    @Test
    void largeDataBothWays() throws Exception {
        Link link = startAndConnect();
        Random r = new Random(42);
        if (messageFramed()) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) { // ~400 KB: more than the socket buffer holds
                byte[] m = new byte[4000];
                r.nextBytes(m);
                sent.add(m);
                link.write(buf(m));
            }
            for (byte[] m : sent) {
                assertArrayEquals(m, peer.receiveMessage());
            }
            byte[] big = new byte[60 * 1024];
            r.nextBytes(big);
            peer.send(big);
            assertArrayEquals(big, handler.awaitMessages(link, 1).get(0));
        } else {
            byte[] big = new byte[1024 * 1024]; // far more than any pipe/socket/pty buffer
            r.nextBytes(big);
            link.write(buf(big));
            assertArrayEquals(big, peer.receive(big.length));
            byte[] up = new byte[512 * 1024];
            r.nextBytes(up);
            peer.send(up);
            assertArrayEquals(up, handler.awaitBytes(link, up.length));
        }
        handler.assertAllOnLoop();
    }

    @Test
    void writeDoesNotConsumeTheCallersBuffer() throws Exception {
        Link link = startAndConnect();
        ByteBuffer b = buf(ascii("keep"));
        link.write(b);
        assertEquals(0, b.position());
        byte[] got = messageFramed() ? peer.receiveMessage() : peer.receive(4);
        assertArrayEquals(ascii("keep"), got);
    }

    /**
     * Runs empty tasks on the event loop, one after the other: data the peer had sent before this
     * call and that the link is able to read is delivered by then (the loop handles ready fds
     * before its tasks, and a readable fd wakes it as a task does).
     */
    protected void loopRounds(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            loop.eventLoop().submit(() -> { }).get(RecordingHandler.GUARD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** What the handler got on {@code link} so far: bytes, or the messages concatenated. */
    private byte[] receivedSoFar(Link link) {
        if (!messageFramed()) {
            return handler.bytes(link);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] m : handler.messages(link)) {
            all.writeBytes(m);
        }
        return all.toByteArray();
    }

    private byte[] awaitReceived(Link link, String text) {
        if (messageFramed()) {
            return handler.awaitMessages(link, text.length()).stream()
                    .map(m -> new String(m, StandardCharsets.US_ASCII)).reduce("", String::concat)
                    .getBytes(StandardCharsets.US_ASCII);
        }
        return handler.awaitBytes(link, text.length());
    }

    @Test
    void aPausedLinkReadsNothingUntilResumedThenEverythingInOrder() throws Exception {
        Link link = startAndConnect();
        peer.send(ascii("a"));
        assertArrayEquals(ascii("a"), awaitReceived(link, "a"));
        assertTrue(link.isReading());

        link.pauseReading();
        loopRounds(1);
        assertFalse(link.isReading());
        peer.send(ascii("b"));
        peer.send(ascii("c"));
        loopRounds(3);
        assertArrayEquals(ascii("a"), receivedSoFar(link), "read while paused");
        assertTrue(link.isOpen());

        link.resumeReading();
        assertArrayEquals(ascii("abc"), awaitReceived(link, "abc"));
        assertTrue(link.isReading());
        handler.assertAllOnLoop();
    }

    @Test
    void pauseAndResumeFromAnotherThreadTakeEffectInCallOrder() throws Exception {
        Link link = startAndConnect();
        Thread t = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                link.pauseReading();
                link.resumeReading();
            }
            link.pauseReading();
        });
        t.start();
        t.join();
        loopRounds(1);
        assertFalse(link.isReading(), "the last call was a pause");
        link.resumeReading();
        loopRounds(1);
        assertTrue(link.isReading());
    }

    @Test
    void aPeerThatDoesNotReadItsRepliesIsNotReadFromUntilItDoes() throws Exception {
        Link link = startAndConnect();
        Random r = new Random(7);
        int piece = 4000;
        int pieces = (int) (Link.READ_PAUSE_ABOVE_BYTES / piece) + 200; // 1.8 MB: over the budget
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            byte[] m = new byte[piece];
            r.nextBytes(m);
            sent.add(m);
            link.write(buf(m));
        }
        loopRounds(2);
        assertTrue(link.pendingWriteBytes() > Link.READ_PAUSE_ABOVE_BYTES, "the peer holds less than the kernel");
        assertFalse(link.isReading(), "still reading with " + link.pendingWriteBytes() + " bytes unsent");
        peer.send(ascii("q"));
        loopRounds(3);
        assertArrayEquals(new byte[0], receivedSoFar(link), "read while its replies wait");

        for (byte[] m : sent) { // the peer reads everything: the link reads again
            assertArrayEquals(m, messageFramed() ? peer.receiveMessage() : peer.receive(piece));
        }
        assertArrayEquals(ascii("q"), awaitReceived(link, "q"));
        assertTrue(link.isReading());
        assertEquals(0, link.pendingWriteBytes());
        handler.assertAllOnLoop();
    }

    @Test
    void aHangupWhilePausedIsStillNoticed() throws Exception {
        Link link = startAndConnect();
        link.pauseReading();
        loopRounds(1);
        peer.send(ascii("z"));
        peer.close();
        assertHangupNoticedWhilePaused(link);
    }

    /**
     * The peer sent a byte and closed while the link was paused: a socket link ends (default); a
     * device link that waits for its host overrides this.
     */
    protected void assertHangupNoticedWhilePaused(Link link) throws Exception {
        handler.awaitDisconnected(link);
        assertFalse(link.isOpen());
    }

    @Test
    void peerCloseEndsTheSession() throws Exception {
        Link link = startAndConnect();
        peer.send(ascii("bye"));
        peer.close();
        handler.awaitDisconnected(link);
        assertFalse(link.isOpen());
        handler.assertOrderPerLink();
        handler.assertAllOnLoop();
    }

    @Test
    void writeAfterCloseIsDropped() throws Exception {
        Link link = startAndConnect();
        link.close();
        assertFalse(link.isOpen(), "closed at once for the caller");
        handler.awaitDisconnected(link);
        link.write(buf(ascii("late"))); // must neither throw nor arrive
        assertDroppedAfterClose(link);
        handler.assertOrderPerLink();
    }

    @Test
    void transportCloseEndsTheSessionAndIsIdempotent() throws Exception {
        Link link = startAndConnect();
        transport.close();
        handler.awaitDisconnected(link);
        transport.close();
        assertFalse(link.isOpen());
        assertEquals(1, handler.count("disconnected", link));
    }

    /**
     * A handler that throws, even an Error such as StackOverflowError, must not reach Netty (whose
     * epoll loop rethrows Errors and ends the thread): only that link is closed, the loop lives on.
     */
    @Test
    void anErrorThrownByTheHandlerClosesOnlyThatLinkAndTheLoopGoesOn() throws Exception {
        Link link = startAndConnect();
        handler.throwOnNextReceive(new StackOverflowError("thrown by the test"));
        peer.send(ascii("boom"));
        handler.awaitDisconnected(link);
        assertFalse(link.isOpen());
        assertEquals(IoLoop.THREAD_NAME,
                loop.eventLoop().submit(() -> Thread.currentThread().getName()).get(15, TimeUnit.SECONDS),
                "the event loop thread still runs tasks");
        byte[] rest = peer.readToEnd();
        if (rest != null) {
            assertArrayEquals(new byte[0], rest, "the peer sees the link closed");
        }
        assertServesAfterHandlerFailure(link);
        handler.assertOrderPerLink();
        handler.assertAllOnLoop();
    }

    @Test
    void anErrorThrownByConnectedClosesThatLinkAndTheLoopGoesOn() throws Exception {
        handler.throwOnNextConnect(new OutOfMemoryError("thrown by the test"));
        Link link = startAndConnect();
        handler.awaitDisconnected(link);
        assertFalse(link.isOpen());
        assertEquals(IoLoop.THREAD_NAME,
                loop.eventLoop().submit(() -> Thread.currentThread().getName()).get(15, TimeUnit.SECONDS));
        assertServesAfterHandlerFailure(link);
        handler.assertOrderPerLink();
    }
}
