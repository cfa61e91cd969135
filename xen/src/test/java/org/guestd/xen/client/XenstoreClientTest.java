// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.guestd.xen.wire.XsMessage;
import org.guestd.xen.wire.XsType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted device on a deterministic loop: every byte and every timer is the test's. */
class XenstoreClientTest {
    private ManualLoop loop;
    private FakeXenbus bus;
    private XenstoreClient client;

    @BeforeEach
    void setUp() {
        loop = new ManualLoop();
        bus = new FakeXenbus();
        client = new XenstoreClient(bus, loop, new XenstoreClient.Options(Duration.ofSeconds(30), 4080, 5, 100, 5000, 8),
                loop::nanoTime);
        client.start();
        loop.runPending();
    }

    private static XsMessage reply(XsMessage req, String... parts) {
        return XsMessage.of(req.knownType(), req.reqId(), req.txId(), cstrings(parts));
    }

    private static XsMessage error(XsMessage req, String name) {
        return XsMessage.of(XsType.ERROR, req.reqId(), req.txId(), cstrings(name));
    }

    private static XsMessage event(String path, String token) {
        return XsMessage.of(XsType.WATCH_EVENT, 0, 0, cstrings(path, token)); // the kernel sets only type and len
    }

    private static byte[] cstrings(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(p).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static XsError failure(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally(), "failed");
        try {
            f.join();
        } catch (RuntimeException e) {
            return XsException.unwrap(e).error();
        }
        throw new AssertionError();
    }

    private List<XsMessage> sent() {
        return bus.current().sent;
    }

    private XsMessage lastSent() {
        return sent().get(sent().size() - 1);
    }

    @Test
    void requestWireFormat() {
        client.write("data/x", "v");
        loop.runPending();
        XsMessage m = lastSent();
        assertEquals(XsType.WRITE.code(), m.type());
        assertEquals(0, m.txId());
        assertTrue(m.reqId() != 0);
        assertEquals("data/x\0v", new String(m.payload(), StandardCharsets.UTF_8), "path NUL value, no trailing NUL");
        client.read("data/x");
        loop.runPending();
        assertEquals("data/x\0", new String(lastSent().payload(), StandardCharsets.UTF_8));
    }

    @Test
    void oneRequestInFlightByDefault() {
        ManualLoop l = new ManualLoop();
        FakeXenbus b = new FakeXenbus();
        XenstoreClient c = new XenstoreClient(b, l, XenstoreClient.Options.defaults(), l::nanoTime);
        c.start();
        CompletableFuture<String> x = c.readString("x");
        CompletableFuture<String> y = c.readString("y");
        l.runPending();
        assertEquals(1, b.current().sent.size(), "the second waits for the first reply");
        b.current().receive(XsMessage.of(XsType.READ, b.current().sent.get(0).reqId(), 0, "X".getBytes(StandardCharsets.UTF_8)));
        l.runPending();
        assertEquals("X", x.join());
        assertEquals(2, b.current().sent.size());
        b.current().receive(XsMessage.of(XsType.READ, b.current().sent.get(1).reqId(), 0, "Y".getBytes(StandardCharsets.UTF_8)));
        l.runPending();
        assertEquals("Y", y.join());
    }

    @Test
    void outOfOrderRepliesMatchedByRequestId() {
        CompletableFuture<String> a = client.readString("a");
        CompletableFuture<String> b = client.readString("b");
        CompletableFuture<String> c = client.readString("c");
        loop.runPending();
        XsMessage ra = sent().get(0);
        XsMessage rb = sent().get(1);
        XsMessage rc = sent().get(2);
        bus.current().receive(XsMessage.of(XsType.READ, rc.reqId(), 0, "C".getBytes(StandardCharsets.UTF_8)),
                XsMessage.of(XsType.READ, ra.reqId(), 0, "A".getBytes(StandardCharsets.UTF_8)));
        loop.runPending();
        assertEquals("A", a.join());
        assertEquals("C", c.join());
        assertFalse(b.isDone());
        bus.current().receive(XsMessage.of(XsType.READ, rb.reqId(), 0, "B".getBytes(StandardCharsets.UTF_8)));
        loop.runPending();
        assertEquals("B", b.join());
    }

    @Test
    void framesSplitAnywhereAndMergedAreDecoded() {
        CompletableFuture<String> a = client.readString("a");
        CompletableFuture<String> b = client.readString("b");
        loop.runPending();
        byte[] one = XsMessage.of(XsType.READ, sent().get(0).reqId(), 0, "first".getBytes(StandardCharsets.UTF_8)).encode().array();
        byte[] two = XsMessage.of(XsType.READ, sent().get(1).reqId(), 0, "second".getBytes(StandardCharsets.UTF_8)).encode().array();
        byte[] all = new byte[one.length + two.length];
        System.arraycopy(one, 0, all, 0, one.length);
        System.arraycopy(two, 0, all, one.length, two.length);
        for (byte x : all) {
            bus.current().receive(new byte[] {x});
            loop.runPending();
        }
        assertEquals("first", a.join());
        assertEquals("second", b.join());
    }

    @Test
    void watchEventBeforeItsOkIsDeliveredAndOkCompletesTheRegistration() {
        List<String> events = new ArrayList<>();
        CompletableFuture<XsWatch> w = client.watch("control/shutdown", events::add);
        loop.runPending();
        XsMessage req = lastSent();
        assertEquals(XsType.WATCH.code(), req.type());
        String token = new XsMessage(0, 0, 0, req.payload()).strings().get(1);
        assertEquals("control/shutdown\0" + token + "\0", new String(req.payload(), StandardCharsets.UTF_8));
        bus.current().receive(event("control/shutdown", token), reply(req, "OK"));
        loop.runPending();
        assertEquals(List.of("control/shutdown"), events);
        assertTrue(w.isDone() && !w.isCompletedExceptionally());
        bus.current().receive(event("control/shutdown", token), event("other", "someone-else"));
        loop.runPending();
        assertEquals(2, events.size(), "dispatched by token; an unknown token is ignored");
    }

    @Test
    void transactionRetriedOnEagainCommit() {
        int[] runs = {0};
        CompletableFuture<String> result = client.transaction(tx -> {
            runs[0]++;
            return tx.write("data/t", "v").thenApply(x -> "ok");
        });
        for (int attempt = 1; attempt <= 3; attempt++) {
            loop.runPending();
            XsMessage start = lastSent();
            assertEquals(XsType.TRANSACTION_START.code(), start.type());
            bus.current().receive(reply(start, Integer.toString(40 + attempt)));
            loop.runPending();
            XsMessage write = lastSent();
            assertEquals(XsType.WRITE.code(), write.type());
            assertEquals(40 + attempt, write.txId(), "the operation carries the transaction id");
            bus.current().receive(reply(write, "OK"));
            loop.runPending();
            XsMessage end = lastSent();
            assertEquals(XsType.TRANSACTION_END.code(), end.type());
            assertEquals("T\0", new String(end.payload(), StandardCharsets.UTF_8));
            bus.current().receive(attempt < 3 ? error(end, "EAGAIN") : reply(end, "OK"));
        }
        loop.runPending();
        assertEquals("ok", result.join());
        assertEquals(3, runs[0]);
    }

    @Test
    void transactionGivesUpAfterMaxAttemptsAndAbortsOnBodyFailure() {
        CompletableFuture<Object> result = client.transaction(tx -> CompletableFuture.completedFuture(null));
        for (int attempt = 1; attempt <= 5; attempt++) {
            loop.runPending();
            bus.current().receive(reply(lastSent(), "7"));
            loop.runPending();
            bus.current().receive(error(lastSent(), "EAGAIN"));
        }
        loop.runPending();
        assertEquals(XsError.EAGAIN, failure(result), "5 attempts, then EAGAIN");

        CompletableFuture<Object> failing = client.transaction(tx -> tx.read("data/nothing").thenApply(x -> x));
        loop.runPending();
        bus.current().receive(reply(lastSent(), "8"));
        loop.runPending();
        bus.current().receive(error(lastSent(), "ENOENT"));
        loop.runPending();
        XsMessage abort = lastSent();
        assertEquals(XsType.TRANSACTION_END.code(), abort.type());
        assertEquals("F\0", new String(abort.payload(), StandardCharsets.UTF_8));
        bus.current().receive(reply(abort, "OK"));
        loop.runPending();
        assertEquals(XsError.ENOENT, failure(failing));
    }

    @Test
    void errorRepliesAreTyped() {
        CompletableFuture<Void> w = client.write("data/big", "x");
        CompletableFuture<Void> c = client.write("control/feature-balloon", "1");
        CompletableFuture<byte[]> u = client.read("x");
        loop.runPending();
        bus.current().receive(error(sent().get(0), "E2BIG"), error(sent().get(1), "EACCES"), error(sent().get(2), "EWHATEVER"));
        loop.runPending();
        assertEquals(XsError.E2BIG, failure(w));
        assertEquals(XsError.EACCES, failure(c));
        assertEquals(XsError.UNKNOWN, failure(u));
    }

    @Test
    void limitsCheckedBeforeSending() {
        assertEquals(XsError.E2BIG, failure(client.write("data/x", "v".repeat(4080))));
        assertEquals(XsError.E2BIG, failure(client.read("/" + "a".repeat(3072))));
        assertEquals(XsError.E2BIG, failure(client.read("a".repeat(2049))));
        assertEquals(XsError.EINVAL, failure(client.read("data/with space")));
        assertEquals(XsError.EINVAL, failure(client.read("data//x")));
        assertEquals(XsError.EINVAL, failure(client.read("data/")));
        assertEquals(XsError.EINVAL, failure(client.watch("@", p -> { })));
        loop.runPending();
        assertTrue(sent().isEmpty(), "nothing was sent");
        client.write("data/x", "v".repeat(4080 - "data/x".length() - 1));
        client.read("/" + "a".repeat(3071));
        client.watch("@releaseDomain", p -> { });
        loop.runPending();
        assertEquals(3, sent().size(), "the largest allowed ones go out");
    }

    @Test
    void refusalAtWriteTimeFailsThatRequest() {
        CompletableFuture<XsWatch> w = client.watch("data", p -> { });
        loop.runPending();
        bus.current().refuse(lastSent(), 13);
        loop.runPending();
        assertEquals(XsError.EACCES, failure(w));
    }

    @Test
    void deviceGoneFailsInFlightReconnectsWithBackoffAndRegistersWatchesAgain() {
        List<String> events = new ArrayList<>();
        List<Integer> connections = new ArrayList<>();
        client.addConnectionListener(connections::add);
        client.watch("control/shutdown", events::add);
        loop.runPending();
        XsMessage watch = lastSent();
        bus.current().receive(reply(watch, "OK"));
        CompletableFuture<byte[]> inFlight = client.read("data/x");
        loop.runPending();
        bus.failOpens = 2;
        bus.current().vanish();
        loop.runPending();
        assertEquals(XsError.DISCONNECTED, failure(inFlight));
        CompletableFuture<byte[]> queued = client.read("data/y");
        loop.runPending();
        assertEquals(1, bus.opens.size());
        loop.advance(99);
        assertEquals(1, bus.opens.size(), "not before the first backoff delay");
        loop.advance(1 + 200 + 400); // 100 ms (fails), 200 ms (fails), 400 ms (opens)
        assertEquals(2, bus.opens.size());
        List<XsMessage> again = bus.current().sent;
        assertEquals(XsType.WATCH.code(), again.get(0).type(), "the watch is registered again first");
        assertEquals(XsType.READ.code(), again.get(1).type(), "then the request that waited");
        assertEquals(List.of(2), connections.subList(connections.size() - 1, connections.size()));
        bus.current().receive(XsMessage.of(XsType.READ, again.get(1).reqId(), 0, "y".getBytes(StandardCharsets.UTF_8)));
        loop.runPending();
        assertEquals("y", new String(queued.join(), StandardCharsets.UTF_8));
    }

    @Test
    void garbageHeaderReopensTheChannel() {
        CompletableFuture<byte[]> r = client.read("data/x");
        loop.runPending();
        byte[] bad = XsMessage.of(XsType.READ, 1, 0, new byte[0]).encode().array();
        bad[12] = 0;
        bad[13] = 0;
        bad[14] = 1; // len = 65536
        bus.current().receive(bad);
        loop.runPending();
        assertEquals(XsError.DISCONNECTED, failure(r));
        assertFalse(bus.opens.get(0).isOpen());
        loop.advance(100);
        assertEquals(2, bus.opens.size());
    }

    @Test
    void requestTimesOutWithoutAReply() {
        CompletableFuture<byte[]> r = client.read("data/x");
        loop.advance(29_999);
        assertFalse(r.isDone());
        loop.advance(1);
        assertEquals(XsError.TIMEOUT, failure(r));
        bus.current().receive(XsMessage.of(XsType.READ, sent().get(0).reqId(), 0, new byte[0]));
        loop.runPending(); // a late reply is dropped
    }

    @Test
    void aWatchWhoseRegistrationTimesOutIsRegisteredAgainNotDropped() {
        List<String> events = new ArrayList<>();
        CompletableFuture<XsWatch> w = client.watch("control/shutdown", events::add);
        loop.runPending();
        XsMessage first = lastSent();
        assertEquals(XsType.WATCH.code(), first.type());
        loop.advance(29_999);
        assertEquals(1, sent().size(), "nothing sent again before the timeout");
        loop.advance(1);
        loop.runPending();
        assertFalse(w.isDone(), "the registration is not given up");
        assertEquals(2, sent().size());
        XsMessage again = lastSent();
        assertEquals(XsType.WATCH.code(), again.type());
        assertEquals(first.strings(), again.strings(), "same path and token");
        bus.current().receive(error(again, "EEXIST")); // the first one had arrived after all
        loop.runPending();
        assertTrue(w.isDone() && !w.isCompletedExceptionally(), "EEXIST for the same token completes it");
        String token = again.strings().get(1);
        bus.current().receive(event("control/shutdown", token));
        loop.runPending();
        assertEquals(List.of("control/shutdown"), events, "its events are still delivered");
    }

    @Test
    void inheritedDescriptorIsNotReopened() {
        bus.exhausted = true;
        bus.current().vanish();
        loop.advance(10_000);
        assertEquals(1, bus.opens.size());
        CompletableFuture<byte[]> r = client.read("x");
        loop.runPending();
        assertEquals(XsError.DISCONNECTED, failure(r));
        assertEquals(0, loop.pendingTimers(), "nothing scheduled: no retry storm");
    }
}
