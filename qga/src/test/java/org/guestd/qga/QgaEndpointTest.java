// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.guestd.core.AgentException;
import org.guestd.qga.codec.JsonStreamer;
import org.guestd.qga.command.control.GuestPing;
import org.guestd.qga.command.control.GuestSync;
import org.guestd.qga.command.control.GuestSyncDelimited;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.CommandRegistry;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.dispatch.StructSpec;
import org.guestd.qga.dispatch.TestCommands;
import org.guestd.qga.testing.FakeLink;
import org.guestd.qga.testing.SmallStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30) // hang guard only
class QgaEndpointTest {
    private static final long GUARD_MS = 20_000;
    private static final String PING_OK = "{\"return\": {}}\n";
    private static final String STRAY_FF = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\uFFFD'\"}}\n";

    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final AtomicReference<Thread> ranOn = new AtomicReference<>();
    private final CommandRegistry registry = TestCommands.registry(new GuestSyncDelimited(), new GuestSync(),
            new GuestPing(),
            // stands in for a slow command (think fsfreeze hook): waits until the test releases it
            TestCommands.of("guest-fsfreeze-thaw", StructSpec.EMPTY, true, a -> {
                ranOn.set(Thread.currentThread());
                slowStarted.countDown();
                try {
                    if (!release.await(GUARD_MS, TimeUnit.MILLISECONDS)) {
                        throw AgentException.generic("not released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw AgentException.generic("interrupted");
                }
                return 0L;
            }),
            TestCommands.of("guest-get-users", StructSpec.builder().required("n", ArgType.INT).build(), true, a -> {
                if (a.getLong("n") == 0) {
                    throw new ArithmeticException("/ by zero");
                }
                return List.of();
            }),
            TestCommands.of("guest-suspend-ram", StructSpec.EMPTY, false, a -> null),
            TestCommands.of("guest-get-vcpus", StructSpec.EMPTY, true, a -> {
                throw new StackOverflowError(); // stands in for a command that recursed too deep
            }),
            // a reply whose encoding runs out of memory (here: a list that throws when read)
            TestCommands.of("guest-get-time", StructSpec.EMPTY, true, a -> new AbstractList<Object>() {
                @Override
                public Object get(int index) {
                    throw new OutOfMemoryError("Java heap space (thrown by the test)");
                }

                @Override
                public int size() {
                    return 1;
                }
            }),
            TestCommands.of("guest-get-host-name", StructSpec.EMPTY, true, a -> new Object()));
    private final QgaEndpoint endpoint = new QgaEndpoint(new Dispatcher(registry), pool);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    private static void send(QgaEndpoint ep, FakeLink link, String s) {
        ep.received(link, ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String lines(String... l) {
        return String.join("", l);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnWorkerThreads() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        StringBuilder req = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            req.append("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":").append(i).append("}}");
        }
        send(endpoint, link, req.toString());
        String out = link.awaitLines(50, GUARD_MS);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            expected.append("{\"return\": ").append(i).append("}\n");
        }
        assertEquals(expected.toString(), out);
    }

    @Test
    void aSlowCommandNeitherBlocksTheIoThreadNorReordersReplies() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        // received() returns while the slow command is still running (else this test would hang)
        send(endpoint, link, "{\"execute\":\"guest-fsfreeze-thaw\"}{\"execute\":\"guest-ping\"}");
        endpoint.received(link, ByteBuffer.wrap(new byte[] {(byte) 0xFF}));
        send(endpoint, link, "{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":7}}");
        assertTrue(slowStarted.await(GUARD_MS, TimeUnit.MILLISECONDS));
        assertNotSame(Thread.currentThread(), ranOn.get());
        assertEquals(0, link.bytes().length, "nothing may overtake the running command");
        release.countDown();
        String out = link.awaitLines(4, GUARD_MS);
        assertEquals(lines("{\"return\": 0}\n", PING_OK, STRAY_FF, "\u00ff{\"return\": 7}\n"), out);
    }

    @Test
    void aQuickRequestRightAfterAWorkersReplyIsAnsweredOnTheIoThread() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        release.countDown();
        send(endpoint, link, "{\"execute\":\"guest-fsfreeze-thaw\"}");
        assertEquals("{\"return\": 0}\n", link.awaitLines(1, GUARD_MS));
        // the worker's reply is out, so the session is idle: answered before received() returns
        send(endpoint, link, "{\"execute\":\"guest-ping\"}");
        assertEquals("{\"return\": 0}\n" + PING_OK, new String(link.bytes(), StandardCharsets.ISO_8859_1));
        endpoint.received(link, ByteBuffer.wrap(new byte[] {(byte) 0xFF}));
        assertEquals("{\"return\": 0}\n" + PING_OK + STRAY_FF, new String(link.bytes(), StandardCharsets.ISO_8859_1),
                "a parse error too");
    }

    @Test
    void runsOfParseErrorsQueuedBehindACommandEachGetTheirOwnReplyInOrder() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        // queued behind the slow command: ']' x3, 0xFF x2, ']' again, then a ping
        send(endpoint, link, "{\"execute\":\"guest-fsfreeze-thaw\"}]]]");
        endpoint.received(link, ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        send(endpoint, link, "]{\"execute\":\"guest-ping\"}");
        assertTrue(slowStarted.await(GUARD_MS, TimeUnit.MILLISECONDS));
        release.countDown();
        String bracket = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}\n";
        assertEquals("{\"return\": 0}\n" + bracket.repeat(3) + STRAY_FF.repeat(2) + bracket + PING_OK,
                link.awaitLines(8, GUARD_MS));
    }

    @Test
    void linksHaveTheirOwnQueuesAndParsers() throws Exception {
        FakeLink a = new FakeLink("a");
        FakeLink b = new FakeLink("b");
        endpoint.connected(a);
        endpoint.connected(b);
        send(endpoint, a, "{\"execute\":\"guest-fsfreeze-thaw\"}{\"execute\":\"gue");
        assertTrue(slowStarted.await(GUARD_MS, TimeUnit.MILLISECONDS));
        send(endpoint, b, "{\"execute\":\"guest-ping\"}");
        assertEquals(PING_OK, b.awaitLines(1, GUARD_MS), "b is answered while a's command runs");
        release.countDown();
        assertEquals("{\"return\": 0}\n", a.awaitLines(1, GUARD_MS));
        // a reconnect starts with a fresh parser: the partial object of the old session is gone
        endpoint.disconnected(a);
        FakeLink a2 = new FakeLink("a2");
        endpoint.connected(a2);
        send(endpoint, a2, "{\"execute\":\"guest-ping\"}");
        assertEquals(PING_OK, a2.awaitLines(1, GUARD_MS));
    }

    @Test
    void runtimeExceptionGivesGenericErrorAndTheEndpointGoesOn() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        send(endpoint, link, "{\"execute\":\"guest-get-users\",\"arguments\":{\"n\":0},\"id\":1}"
                + "{\"execute\":\"guest-get-users\",\"arguments\":{\"n\":1}}{\"execute\":\"guest-ping\"}");
        String out = link.awaitLines(3, GUARD_MS);
        String[] l = out.split("\n");
        assertTrue(l[0].startsWith("{\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": \"internal error in "
                + "guest-get-users: java.lang.ArithmeticException: / by zero\"}}"), l[0]);
        assertEquals("{\"return\": []}", l[1]);
        assertEquals("{\"return\": {}}", l[2]);
    }

    @Test
    void successfulNoResponseCommandsSendNothing() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        send(endpoint, link, "{\"execute\":\"guest-suspend-ram\"}{\"execute\":\"guest-suspend-ram\",\"arguments\":{\"x\":1}}"
                + "{\"execute\":\"guest-ping\"}");
        assertEquals(lines("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'x' is unexpected\"}}\n",
                PING_OK), link.awaitLines(2, GUARD_MS));
    }

    @Test
    void aPeerThatFloodsWhileACommandRunsIsDisconnected() throws Exception {
        QgaEndpoint small = new QgaEndpoint(new Dispatcher(registry), pool, 4096, false);
        FakeLink link = new FakeLink("flood");
        small.connected(link);
        send(small, link, "{\"execute\":\"guest-fsfreeze-thaw\"}");
        assertTrue(slowStarted.await(GUARD_MS, TimeUnit.MILLISECONDS));
        for (int i = 0; i < 200 && link.isOpen(); i++) {
            send(small, link, "{\"execute\":\"guest-ping\"}");
        }
        assertFalse(link.isOpen());
        release.countDown();
    }

    @Test
    void anErrorThrownByACommandIsAnsweredWithAGenericError() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        send(endpoint, link, "{\"execute\":\"guest-get-vcpus\",\"id\":2}{\"execute\":\"guest-ping\"}");
        assertEquals(lines("{\"id\": 2, \"error\": {\"class\": \"GenericError\", \"desc\": \"internal error in "
                + "guest-get-vcpus: java.lang.StackOverflowError\"}}\n", PING_OK), link.awaitLines(2, GUARD_MS));
    }

    @Test
    void aReplyThatCannotBeEncodedIsAnsweredWithAGenericError() throws Exception {
        FakeLink link = new FakeLink("a");
        endpoint.connected(link);
        send(endpoint, link, "{\"execute\":\"guest-get-time\",\"id\":3}{\"execute\":\"guest-get-host-name\"}"
                + "{\"execute\":\"guest-ping\"}");
        assertEquals(lines("{\"error\": {\"class\": \"GenericError\", \"desc\": \"internal error: out of memory\"}}\n",
                "{\"error\": {\"class\": \"GenericError\", \"desc\": \"internal error: java.lang.IllegalArgumentException: "
                        + "not a JSON value: java.lang.Object\"}}\n",
                PING_OK), link.awaitLines(3, GUARD_MS));
    }

    /**
     * qemu's nesting limit is 1024; the I/O thread may have a small stack (the launcher's -Xss):
     * parsing must not need stack per nesting level. Here the bytes arrive on a 128 KiB-stack thread.
     */
    @Test
    void aDeeplyNestedIdIsParsedOnASmallStackAndEchoed() throws Exception {
        FakeLink link = new FakeLink("deep");
        endpoint.connected(link);
        String id = "[".repeat(1000) + "]".repeat(1000);
        SmallStack.call(() -> {
            send(endpoint, link, "{\"execute\":\"guest-ping\",\"id\":" + id + "}");
            return null;
        });
        assertEquals("{\"return\": {}, \"id\": " + id + "}\n", link.awaitLines(1, GUARD_MS));
    }

    @Test
    void pendingRequestsAreCappedAt96MiBWhichHoldsOneRequestOfTheLargestSize() {
        assertEquals(96L << 20, QgaEndpoint.MAX_PENDING_BYTES);
        assertTrue(QgaEndpoint.MAX_PENDING_BYTES > JsonStreamer.MAX_TOKEN_SIZE + 4096);
    }
}
