// SPDX-License-Identifier: Apache-2.0
package org.guestd.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.TestContext;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
    private final FakeClock clock = new FakeClock(1_700_000_000_000_000_000L);

    @Test
    void noContactMeansNotAlive() {
        HeartbeatTracker hb = new HeartbeatTracker(clock, Duration.ofSeconds(10));
        Heartbeat.Liveness l = hb.liveness();
        assertEquals(0, l.contacts());
        assertNull(l.last());
        assertEquals(-1, l.sinceLastNanos());
        assertFalse(l.alive());
        assertFalse(hb.aliveWithin(Duration.ofDays(1)));
    }

    @Test
    void contactsAreCountedAndAgeOnTheMonotonicClock() {
        HeartbeatTracker hb = new HeartbeatTracker(clock, Duration.ofSeconds(10));
        clock.advance(5_000_000_000L);
        hb.contact("qga", Heartbeat.ContactKind.SYNC);
        clock.advance(3_000_000_000L);
        hb.contact("qga", Heartbeat.ContactKind.PING);
        Heartbeat.Liveness l = hb.liveness();
        assertEquals(2, l.contacts());
        assertEquals(Heartbeat.ContactKind.PING, l.last().kind());
        assertEquals(8_000_000_000L, l.last().monotonicNanos());
        assertEquals(0, l.sinceLastNanos());
        assertTrue(l.alive());

        clock.advance(10_000_000_000L);
        assertTrue(hb.liveness().alive(), "exactly the window old is still alive");
        clock.advance(1);
        assertFalse(hb.liveness().alive());
        assertEquals(10_000_000_001L, hb.liveness().sinceLastNanos());
        assertTrue(hb.aliveWithin(Duration.ofSeconds(11)));
        assertFalse(hb.aliveWithin(Duration.ofSeconds(10)));
    }

    @Test
    void wallClockStepsDoNotChangeLiveness() {
        HeartbeatTracker hb = new HeartbeatTracker(clock, Duration.ofSeconds(10));
        hb.contact("qga", Heartbeat.ContactKind.PING);
        clock.setRealtimeNanos(0); // guest-set-time to 1970
        assertTrue(hb.liveness().alive());
    }

    @Test
    void listenersSeeEveryContactAndAFailingOneDoesNotStopOthers() throws Exception {
        HeartbeatTracker hb = new HeartbeatTracker(clock, Duration.ofSeconds(10));
        List<Heartbeat.Contact> seen = new ArrayList<>();
        hb.onContact(c -> {
            throw new IllegalStateException("broken feeder");
        });
        AutoCloseable sub = hb.onContact(seen::add);
        hb.contact("hyperv", Heartbeat.ContactKind.REQUEST);
        sub.close();
        hb.contact("qga", Heartbeat.ContactKind.PING);
        assertEquals(1, seen.size());
        assertEquals(new Heartbeat.Contact("hyperv", Heartbeat.ContactKind.REQUEST, 0, 1), seen.get(0));
        assertEquals(2, hb.liveness().contacts());
    }

    @Test
    void serviceExportsTheApiWithTheConfiguredWindow() throws Exception {
        TestContext ctx = new TestContext("heartbeat").clock(clock).config(Map.of("alive-window", "2s"));
        HeartbeatService svc = new HeartbeatService();
        svc.start(ctx);
        Heartbeat hb = ctx.require(Heartbeat.class);
        assertSame(svc.heartbeat(), hb);
        assertEquals(Duration.ofSeconds(2), hb.liveness().window());
    }

    @Test
    void serviceRefusesABadWindow() {
        AgentException e = assertThrows(AgentException.class, () -> new HeartbeatService()
                .start(new TestContext("heartbeat").config(Map.of("alive-window", "0"))));
        assertTrue(e.getMessage().contains("alive-window"), e.getMessage());
        assertThrows(AgentException.class, () -> new HeartbeatService()
                .start(new TestContext("heartbeat").config(Map.of("alive-window", "soon"))));
    }
}
