// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.guestd.host.xen.XenbusConnection;
import org.guestd.host.xen.Xenstored;
import org.guestd.transport.IoLoop;
import org.guestd.transport.Transport;
import org.guestd.transport.XenbusTransport;
import org.guestd.xen.keys.XenKeyWriter;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client on the real transport (XenbusTransport over a stream socketpair) against the host
 * module's xenstored emulator: the guest end of each emulated device open goes in as {@code fd:N}.
 */
class EmulatorClientTest {
    private IoLoop loop;
    private Xenstored xs;
    private XenstoreClient client;
    private final List<XenbusConnection> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        loop = IoLoop.create();
        xs = new Xenstored(5, "guest", false);
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        xs.close();
        loop.close();
    }

    private XenstoreClient start(XenstoreClient.Options options) {
        client = new XenstoreClient(new XenstoreClient.Connector() {
            @Override
            public Transport next() throws IOException {
                XenbusConnection c = xs.connect();
                opened.add(c);
                return new XenbusTransport(c.handOver(), loop);
            }

            @Override
            public String describe() {
                return "emulator";
            }
        }, loop.eventLoop(), options, System::nanoTime);
        client.start();
        return client;
    }

    private static XenstoreClient.Options fast() {
        return new XenstoreClient.Options(Duration.ofSeconds(10), 4080, 8, 20, 200, 1);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static XsError error(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return XsException.unwrap(e).error();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void readWriteDirectoryRelativeAndAbsolute() throws Exception {
        XenstoreClient c = start(fast());
        assertEquals("5", get(c.readString("domid")));
        assertEquals("guest", get(c.readString("/local/domain/5/name")));
        get(c.write("data/a", "1"));
        get(c.write("data/sub/b", "2"));
        assertEquals("1", xs.read("/local/domain/5/data/a"));
        assertEquals(List.of("a", "sub"), get(c.directory("data")));
        get(c.rm("data/sub"));
        assertEquals(List.of("a"), get(c.directory("data")));
        assertEquals(XsError.ENOENT, error(c.read("data/nothing")));
        assertEquals("/local/domain/7", get(c.getDomainPath(7)));
        assertEquals(List.of("n5"), get(c.getPerms("data/a")));
    }

    @Test
    void controlIsReadOnlyAsUnderLibxlAndKeysFailSoftly() throws Exception {
        XenstoreClient c = start(fast());
        assertEquals(XsError.EACCES, error(c.write("control/feature-balloon", "1")));
        XenKeyWriter w = new XenKeyWriter(c);
        XenKeyWriter.Result r = get(w.apply(Map.of("control/feature-balloon", "1", "data/x", "y")));
        assertEquals(List.of("data/x"), r.written());
        assertEquals(List.of("control/feature-balloon"), r.refused());
        int before = opened.get(0).requestCount();
        XenKeyWriter.Result again = get(w.apply(Map.of("control/feature-balloon", "1", "data/x", "y")));
        assertTrue(again.written().isEmpty() && again.refused().isEmpty(), "nothing retried: " + again);
        assertEquals(before, opened.get(0).requestCount(), "no request for an unchanged or refused key");
    }

    @Test
    void watchFiresOnRegistrationAndOnChangesBelow() throws Exception {
        XenstoreClient c = start(fast());
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        XsWatch w = get(c.watch("data", events::add));
        assertEquals("data", events.poll(5, TimeUnit.SECONDS), "the registration event");
        xs.write("data/from-dom0", "hi");
        assertEquals("data/from-dom0", events.poll(5, TimeUnit.SECONDS));
        LinkedBlockingQueue<String> control = new LinkedBlockingQueue<>(); // registered after w: fires after it
        get(c.watch("data", control::add));
        assertEquals("data", control.poll(5, TimeUnit.SECONDS));
        w.cancel();
        get(c.write("data/after", "x")); // a round trip after the unwatch
        assertEquals("data/after", control.poll(5, TimeUnit.SECONDS));
        xs.write("data/from-dom0", "again");
        // No pause: the store fires its watches in registration order on one stream and the client
        // dispatches in arrival order, so once the control watch has its event, w's would be there.
        assertEquals("data/from-dom0", control.poll(5, TimeUnit.SECONDS));
        assertEquals(null, events.poll(), "no event after cancel");
    }

    @Test
    void deviceClosingReconnectsAndReregistersWatches() throws Exception {
        XenstoreClient c = start(fast());
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        List<Integer> generations = Collections.synchronizedList(new ArrayList<>());
        c.addConnectionListener(generations::add);
        get(c.watch("control/shutdown", events::add));
        assertEquals("control/shutdown", events.poll(5, TimeUnit.SECONDS));
        xs.closeConnections();
        assertEquals("control/shutdown", events.poll(5, TimeUnit.SECONDS), "registered again on the new connection");
        assertEquals(2, opened.size());
        xs.write("control/shutdown", "poweroff");
        assertEquals("control/shutdown", events.poll(5, TimeUnit.SECONDS));
        assertTrue(generations.contains(2), "listeners told about connection 2: " + generations);
        assertEquals("poweroff", get(c.readString("control/shutdown")));
    }

    @Test
    void transactionRetriedOnEagain() throws Exception {
        XenstoreClient c = start(fast());
        xs.faults().commitEagain.set(3);
        int[] runs = {0};
        String v = get(c.transaction(tx -> {
            runs[0]++;
            return tx.readString("control/shutdown").thenCompose(old -> tx.write("data/t", "v" + runs[0]))
                    .thenApply(x -> "done");
        }));
        assertEquals("done", v);
        assertEquals(4, runs[0], "3 EAGAIN commits, then success");
        assertEquals("v4", xs.read("data/t"));
    }

    @Test
    void oversizedValueIsE2bigFromTheStoreAndOversizedPayloadNeverSent() throws Exception {
        XenstoreClient c = start(fast());
        assertEquals(XsError.E2BIG, error(c.write("data/big", "x".repeat(3000))));
        assertEquals(XsError.E2BIG, error(c.write("data/huge", "x".repeat(5000))));
        assertEquals("5", get(c.readString("domid")));
        assertTrue(opened.get(0).violations().isEmpty(), "nothing oversized reached the device");
    }

    @Test
    void oneRequestInFlightSoTheDeviceNeverMixesBodies() throws Exception {
        XenstoreClient c = start(fast());
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            writes.add(c.write("data/p" + i, "value-" + i));
        }
        for (CompletableFuture<Void> w : writes) {
            get(w);
        }
        for (int i = 0; i < 30; i++) {
            assertEquals("value-" + i, xs.read("data/p" + i));
        }
        assertTrue(opened.get(0).violations().isEmpty(), opened.get(0).violations().toString());
    }

    @Test
    void pipelinedWritesOnTheDeviceLoseDataWhichIsWhyTheClientDoesNotPipeline() throws Exception {
        XenstoreClient c = start(fast().withMaxInFlight(16));
        get(c.read("domid"));
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            writes.add(c.write("data/q" + i, "v" + i));
        }
        for (CompletableFuture<Void> w : writes) {
            get(w); // every write is answered OK...
        }
        long right = IntStream.range(0, 16).filter(i -> ("v" + i).equals(xs.read("data/q" + i))).count();
        assertTrue(right < 16, "...but the device gave them the wrong bodies");
        assertFalse(opened.get(0).violations().isEmpty());
    }

    @Test
    void repliesOutOfOrderMatchedByRequestId() throws Exception {
        xs.faults().kernelBodyAliasing = false;
        XenstoreClient c = start(fast().withMaxInFlight(20));
        for (int i = 0; i < 20; i++) {
            xs.write("data/k" + i, "v" + i);
        }
        xs.faults().repliesOutOfOrder = true;
        List<CompletableFuture<String>> reads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            reads.add(c.readString("data/k" + i));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("v" + i, get(reads.get(i)));
        }
    }

    @Test
    void garbageFrameResetsTheChannelAndTheClientRecovers() throws Exception {
        XenstoreClient c = start(fast());
        assertEquals("5", get(c.readString("domid")));
        xs.faults().garbageBeforeNextReply = true;
        XsError e = error(c.readString("name"));
        assertEquals(XsError.DISCONNECTED, e);
        assertEquals("guest", get(c.readString("name")));
        assertEquals(2, opened.size());
        assertFalse(opened.get(0).isOpen());
        assertNotNull(c);
    }

    @Test
    void survivesAWatchStormAndFramesOfUnknownType() throws Exception {
        XenstoreClient c = start(fast());
        AtomicInteger events = new AtomicInteger();
        get(c.watch("data", p -> events.incrementAndGet()));
        xs.watchStorm("data/x", 20_000);
        xs.faults().unknownTypeBeforeReplies = true;
        assertEquals("5", get(c.readString("domid")), "requests still answered during the storm");
        xs.faults().unknownTypeBeforeReplies = false;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (events.get() < 20_001 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(20_001, events.get(), "every event delivered (registration + storm)");
        assertEquals(1, opened.size(), "no reconnect");
    }

    @Test
    void aStoreThatNeverAnswersTimesOutAndTheNextRequestGoesThrough() throws Exception {
        XenstoreClient c = start(new XenstoreClient.Options(Duration.ofMillis(300), 4080, 8, 20, 200, 1));
        xs.faults().swallowReplies = true;
        assertEquals(XsError.TIMEOUT, error(c.read("domid")));
        xs.faults().swallowReplies = false;
        assertEquals("5", get(c.readString("domid")), "the slot is free again after the timeout");
    }
}
