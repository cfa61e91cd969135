// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.guestd.xen.wire.XsException;
import org.guestd.xen.wire.XsMessage;
import org.guestd.xen.wire.XsType;

/**
 * Fuzz target: the {@link XenstoreClient} (request queue, reply matching, watch dispatch, session)
 * against a hostile xenbus device on a deterministic loop: correct replies in any order and split
 * anywhere, XS_ERROR replies (E2BIG, EAGAIN, unknown names), replies of the wrong type or to no
 * request, frames of unknown types, watch events with any path, token or payload, raw garbage
 * (impossible lengths: the channel is reopened), write-time refusals (E2BIG, EINVAL, any errno),
 * the device vanishing, time passing. Checks: nothing escapes the loop; a READ that succeeds returns
 * exactly the payload of the one correct reply sent for it (unless it was pending while raw bytes
 * were on its channel: they may hold a reply of their own); every failure is an {@link XsException};
 * the watch's listener sees only paths sent with its token, in order (when no raw bytes were sent); once the clock passes the
 * request timeout every request has completed; and afterwards (on a reopened channel if garbage
 * left the stream out of step) a new READ is sent, answered and returns its value: the client
 * stays usable.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/xen/client/XenstoreClientFuzzTestInputs/session/};
 * long runs: {@code bin/fuzz XenstoreClientFuzzTest [SECONDS]}.
 */
public class XenstoreClientFuzzTest {
    private static final String[] ERRORS = {"E2BIG", "EAGAIN", "ENOENT", "EACCES", "EINVAL", "EQUOTA", "ENOSPC",
        "EISCONN", "bogus", ""};
    private static final String TOKEN = "guestd-1"; // the client's first watch

    /** The host's side: what it has seen of the client's requests on the current open. */
    static final class Host {
        final FakeXenbus bus;
        FakeXenbus.FakeLink link;
        int seen;
        boolean dirty;
        final List<XsMessage> outstanding = new ArrayList<>();
        final Map<String, byte[]> readReplies = new HashMap<>();

        Host(FakeXenbus bus) {
            this.bus = bus;
        }

        /** Picks up what the client wrote since the last look (a new open starts afresh). */
        void look() {
            if (bus.opens.isEmpty()) {
                return;
            }
            FakeXenbus.FakeLink l = bus.current();
            if (l != link) {
                link = l;
                seen = 0;
                dirty = false;
                outstanding.clear();
            }
            while (seen < l.sent.size()) {
                outstanding.add(l.sent.get(seen++));
            }
        }

        boolean open() {
            return link != null && link.open;
        }

        XsMessage take(FuzzedDataProvider d) {
            return outstanding.isEmpty() ? null : outstanding.remove(d.consumeInt(0, outstanding.size() - 1));
        }

        /** The correct reply to {@code r} (a READ's value recorded for the check). */
        XsMessage correct(XsMessage r, byte[] value) {
            if (r.type() == XsType.READ.code()) {
                String path = r.firstString();
                readReplies.put(path, value);
                return new XsMessage(r.type(), r.reqId(), r.txId(), value);
            }
            return new XsMessage(r.type(), r.reqId(), r.txId(), cstr("OK"));
        }
    }

    static byte[] cstr(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    static void checkFailure(CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            assertNotNull(XsException.unwrap(e), "a failure that is not an XsException: " + e);
        }
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        ManualLoop loop = new ManualLoop();
        FakeXenbus bus = new FakeXenbus();
        int maxInFlight = d.consumeInt(1, 4);
        XenstoreClient c = new XenstoreClient(bus, loop,
                new XenstoreClient.Options(Duration.ofSeconds(30), 4080, 4, 100, 5000, maxInFlight), loop::nanoTime);
        Host host = new Host(bus);
        List<String> fired = new ArrayList<>();
        List<String> eventsForToken = new ArrayList<>();
        c.start();
        loop.runPending();
        CompletableFuture<XsWatch> watch = c.watch("w", fired::add);
        Map<String, CompletableFuture<byte[]>> reads = new LinkedHashMap<>();
        Set<String> unchecked = new HashSet<>();
        boolean rawSent = false;
        loop.runPending();
        int steps = d.consumeInt(0, 64);
        for (int i = 0; i < steps && d.remainingBytes() > 0; i++) {
            host.look();
            boolean open = host.open();
            switch (d.consumeInt(0, 12)) {
                case 0, 1 -> {
                    String path = "k" + reads.size();
                    reads.put(path, c.read(path));
                }
                case 2 -> { // a correct reply
                    XsMessage r = host.take(d);
                    if (r != null && open) {
                        host.link.receive(host.correct(r, d.consumeBytes(d.consumeInt(0, 64))));
                    }
                }
                case 3 -> { // XS_ERROR
                    XsMessage r = host.take(d);
                    if (r != null && open) {
                        host.link.receive(new XsMessage(XsType.ERROR.code(), r.reqId(), r.txId(),
                                cstr(ERRORS[d.consumeInt(0, ERRORS.length - 1)])));
                    }
                }
                case 4 -> { // a reply of another type
                    XsMessage r = host.take(d);
                    XsType t = XsType.values()[d.consumeInt(0, XsType.values().length - 1)];
                    if (r != null && open && t != XsType.WATCH_EVENT && t.code() != r.type()) {
                        host.link.receive(new XsMessage(t.code(), r.reqId(), r.txId(), d.consumeBytes(8)));
                    }
                }
                case 5 -> { // a reply to no request: an id above any the client allocates in a session
                    XsType t = XsType.values()[d.consumeInt(0, XsType.values().length - 1)];
                    if (open && t != XsType.WATCH_EVENT) {
                        host.link.receive(new XsMessage(t.code(), d.consumeInt(Integer.MIN_VALUE, -1), d.consumeInt(),
                                d.consumeBytes(8)));
                    }
                }
                case 6 -> { // a frame of an unknown type
                    int type = d.consumeBoolean() ? 20 : d.consumeInt(23, Integer.MAX_VALUE);
                    if (open) {
                        host.link.receive(new XsMessage(type, d.consumeInt(), 0, d.consumeBytes(16)));
                    }
                }
                case 7 -> { // a watch event
                    String path = d.consumeAsciiString(24).replace("\0", "");
                    String token = d.consumeInt(0, 3) == 0 ? d.consumeAsciiString(12).replace("\0", "") : TOKEN;
                    byte[] payload = d.consumeInt(0, 5) == 0 ? d.consumeBytes(32)
                            : (path + "\0" + token + "\0").getBytes(StandardCharsets.UTF_8);
                    if (open) {
                        XsMessage event = new XsMessage(XsType.WATCH_EVENT.code(), 0, 0, payload);
                        List<String> parts = event.strings();
                        if (parts.size() >= 2 && TOKEN.equals(parts.get(1))) {
                            eventsForToken.add(parts.get(0));
                        }
                        host.link.receive(event);
                    }
                }
                case 8 -> { // raw bytes: garbage, a partial header, an impossible length
                    if (open) {
                        host.dirty = true;
                        rawSent = true;
                        host.link.receive(d.consumeBytes(d.consumeInt(1, 40)));
                    }
                }
                case 9 -> { // the device refuses a request at write time
                    XsMessage r = host.take(d);
                    if (r != null && open) {
                        int errno = d.consumeBoolean() ? 7 : d.consumeInt(1, 200); // E2BIG or anything
                        host.link.refuse(r, errno);
                    }
                }
                case 10 -> loop.advance(d.consumeInt(0, 40_000));
                case 11 -> {
                    if (open) {
                        host.link.vanish();
                    }
                }
                default -> { // several correct replies at once, in any order, split anywhere
                    if (open && !host.outstanding.isEmpty()) {
                        ByteArrayOutputStream all = new ByteArrayOutputStream();
                        int n = d.consumeInt(1, host.outstanding.size());
                        for (int k = 0; k < n; k++) {
                            XsMessage r = host.take(d);
                            all.writeBytes(host.correct(r, d.consumeBytes(d.consumeInt(0, 16))).encode().array());
                        }
                        byte[] bytes = all.toByteArray();
                        int at = 0;
                        while (at < bytes.length) {
                            int len = Math.min(bytes.length - at, d.consumeInt(1, 24));
                            byte[] part = new byte[len];
                            System.arraycopy(bytes, at, part, 0, len);
                            host.link.receive(part);
                            at += len;
                        }
                    }
                }
            }
            loop.runPending();
            host.look();
            if (host.dirty) {
                // raw bytes on this open may hold (or misframe into) a reply of their own: what is
                // pending now gets no value check
                reads.forEach((path, f) -> {
                    if (!f.isDone()) {
                        unchecked.add(path);
                    }
                });
            }
        }

        // every request completes once the clock passes the timeout, whatever the host did
        host.look();
        loop.advance(31_000);
        for (Map.Entry<String, CompletableFuture<byte[]>> e : reads.entrySet()) {
            CompletableFuture<byte[]> f = e.getValue();
            assertTrue(f.isDone(), "READ " + e.getKey() + " still pending 31 s on");
            if (f.isCompletedExceptionally()) {
                checkFailure(f);
            } else if (!unchecked.contains(e.getKey())) {
                byte[] expected = host.readReplies.get(e.getKey());
                assertNotNull(expected, "READ " + e.getKey() + " succeeded without a correct reply");
                assertArrayEquals(expected, f.join(), "READ " + e.getKey() + " returned another reply's payload");
            }
        }
        if (watch.isDone()) {
            checkFailure(watch);
        }
        // the listener saw only what was sent with its token, in order (raw bytes may hold events of their own)
        int j = 0;
        for (String p : rawSent ? List.<String>of() : fired) {
            while (j < eventsForToken.size() && !eventsForToken.get(j).equals(p)) {
                j++;
            }
            assertTrue(j < eventsForToken.size(), "the watch fired for '" + p + "', never sent with its token");
            j++;
        }

        // still usable: a new READ is sent, answered and returns its value
        host.look();
        if (host.dirty && host.open()) {
            host.link.vanish(); // garbage may have left the byte stream out of step: a new open
            loop.runPending();
        }
        loop.advance(6_000); // past the reconnect backoff's cap
        host.look();
        assertTrue(host.open(), "no open channel after the backoff");
        for (XsMessage r; (r = host.outstanding.isEmpty() ? null : host.outstanding.remove(0)) != null; ) {
            host.link.receive(host.correct(r, new byte[0])); // what was still waiting (watch registrations)
            loop.runPending();
            host.look();
        }
        CompletableFuture<String> last = c.readString("final");
        loop.runPending();
        host.look();
        XsMessage req = null;
        for (XsMessage r : host.outstanding) {
            if (r.type() == XsType.READ.code() && r.firstString().equals("final")) {
                req = r;
            }
        }
        assertNotNull(req, "the new READ was not sent (" + host.outstanding + ")");
        host.link.receive(new XsMessage(req.type(), req.reqId(), req.txId(), "ok".getBytes(StandardCharsets.UTF_8)));
        loop.runPending();
        assertEquals("ok", last.getNow("not answered"));
        c.close();
        loop.runPending();
    }

    @FuzzTest(maxDuration = "60s")
    void session(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
