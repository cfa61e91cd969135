// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.guestd.host.xen.XenbusConnection;
import org.guestd.host.xen.Xenstored;
import org.guestd.transport.IoLoop;
import org.guestd.transport.Transport;
import org.guestd.transport.XenbusTransport;
import org.guestd.xen.client.XenstoreClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key writer against the emulator: what reaches the store, and how many requests it took. */
class XenKeyWriterTest {
    private IoLoop loop;
    private Xenstored xs;
    private XenstoreClient client;
    private XenbusConnection conn;

    @BeforeEach
    void setUp() {
        loop = IoLoop.create();
        xs = new Xenstored(3, "g", false);
        client = new XenstoreClient(new XenstoreClient.Connector() {
            @Override
            public Transport next() throws IOException {
                conn = xs.connect();
                return new XenbusTransport(conn.handOver(), loop);
            }

            @Override
            public String describe() {
                return "emulator";
            }
        }, loop.eventLoop(), XenstoreClient.Options.defaults(), System::nanoTime);
        client.start();
    }

    @AfterEach
    void tearDown() {
        client.close();
        xs.close();
        loop.close();
    }

    private static XenKeyWriter.Result apply(XenKeyWriter w, Map<String, String> keys) throws Exception {
        return w.apply(keys).get(10, TimeUnit.SECONDS);
    }

    @Test
    void writesOnlyChangesAndRemovesWithdrawnKeys() throws Exception {
        XenKeyWriter w = new XenKeyWriter(client);
        Map<String, String> keys = new LinkedHashMap<>(Map.of("data/a", "1", "data/b", "2", "attr/vif/0/ipv4/0", "192.0.2.10"));
        XenKeyWriter.Result r = apply(w, keys);
        assertEquals(3, r.written().size());
        assertTrue(r.changedAnything());
        int requests = conn.requestCount();
        XenKeyWriter.Result same = apply(w, keys);
        assertTrue(!same.changedAnything() && same.failed().isEmpty());
        assertEquals(requests, conn.requestCount(), "an unchanged map sends nothing");
        keys.put("data/b", "3");
        keys.remove("attr/vif/0/ipv4/0");
        XenKeyWriter.Result changed = apply(w, keys);
        assertEquals(List.of("data/b"), changed.written());
        assertEquals(List.of("attr/vif/0/ipv4/0"), changed.removed());
        assertEquals(requests + 2, conn.requestCount(), "one write, one rm");
        assertEquals("3", xs.read("data/b"));
        assertNull(xs.read("attr/vif/0/ipv4/0"));
        assertEquals(Map.of("data/a", "1", "data/b", "3"), w.written());
    }

    @Test
    void forgetWritesEverythingAgain() throws Exception {
        XenKeyWriter w = new XenKeyWriter(client);
        apply(w, Map.of("data/a", "1"));
        xs.rm("data/a"); // e.g. a new host after migration: the store lost it
        assertTrue(apply(w, Map.of("data/a", "1")).written().isEmpty(), "the cache believes it is there");
        w.forget();
        assertEquals(List.of("data/a"), apply(w, Map.of("data/a", "1")).written());
        assertEquals("1", xs.read("data/a"));
    }

    @Test
    void refusedKeysFailSoftlyUntilTheirValueChanges() throws Exception {
        XenKeyWriter w = new XenKeyWriter(client);
        XenKeyWriter.Result r = apply(w, Map.of("control/feature-balloon", "1", "data/x", "y"));
        assertEquals(List.of("control/feature-balloon"), r.refused());
        int requests = conn.requestCount();
        for (int i = 0; i < 5; i++) {
            apply(w, Map.of("control/feature-balloon", "1", "data/x", "y"));
        }
        assertEquals(requests, conn.requestCount(), "no retry storm");
        xs.setPerms("control", "n0", "b3"); // the toolstack hands control/ over
        assertTrue(apply(w, Map.of("control/feature-balloon", "1", "data/x", "y")).written().isEmpty(),
                "still not retried while its value is the same");
        assertEquals(List.of("control/feature-balloon"), apply(w, Map.of("control/feature-balloon", "0", "data/x", "y")).written());
        assertEquals("0", xs.read("control/feature-balloon"));
    }

    @Test
    void otherErrorsAreRetriedNextTime() throws Exception {
        XenKeyWriter w = new XenKeyWriter(client);
        xs.faults().e2bigOnWrite = true;
        assertEquals(List.of("data/x"), apply(w, Map.of("data/x", "1")).failed());
        xs.faults().e2bigOnWrite = false;
        assertEquals(List.of("data/x"), apply(w, Map.of("data/x", "1")).written());
    }

    @Test
    void pvAddonsFromTheVersion() {
        assertEquals(Map.of("attr/PVAddons/Installed", "1", "attr/PVAddons/MajorVersion", "1",
                "attr/PVAddons/MinorVersion", "12", "attr/PVAddons/MicroVersion", "3", "attr/PVAddons/BuildVersion", "0"),
                PvAddonsKeys.of("1.12.3-SNAPSHOT"));
        assertEquals("7", PvAddonsKeys.of("2.0.1.7").get("attr/PVAddons/BuildVersion"));
        assertEquals("0", PvAddonsKeys.of("unknown").get("attr/PVAddons/MajorVersion"));
        assertEquals("0", PvAddonsKeys.of(null).get("attr/PVAddons/MinorVersion"));
    }

    @Test
    void updatedStampInXeGuestUtilitiesFormat() {
        assertEquals("Sat Dec  5 00:16:35 2026", UpdatedStamp.of(ZonedDateTime.of(2026, 12, 5, 0, 16, 35, 0, ZoneOffset.UTC)));
        assertEquals("Mon Jan 12 15:04:05 2026", UpdatedStamp.of(ZonedDateTime.of(2026, 1, 12, 15, 4, 5, 0, ZoneOffset.UTC)));
    }
}
