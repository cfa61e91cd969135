// SPDX-License-Identifier: Apache-2.0
package org.guestd.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.facts.LivenessFact;
import org.guestd.core.testing.FakeClock;
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
    }

    @Test
    void theLastContactOfEachSourceIsKept() {
        HeartbeatTracker hb = new HeartbeatTracker(clock, Duration.ofSeconds(10));
        hb.contact("qga", Heartbeat.ContactKind.PING);
        clock.advance(5);
        hb.contact("hyperv-kvp", Heartbeat.ContactKind.REQUEST);
        clock.advance(5);
        hb.contact("qga", Heartbeat.ContactKind.SYNC);
        assertEquals(Map.of("qga", new Heartbeat.Contact("qga", Heartbeat.ContactKind.SYNC, 10, 3),
                "hyperv-kvp", new Heartbeat.Contact("hyperv-kvp", Heartbeat.ContactKind.REQUEST, 5, 2)),
                hb.lastContactBySource());
    }

    @Test
    void wallClockStepsDoNotChangeLiveness() {
        HeartbeatTracker hb = new HeartbeatTracker(clock, Duration.ofSeconds(10));
        hb.contact("qga", Heartbeat.ContactKind.PING);
        clock.setRealtimeNanos(0); // guest-set-time to 1970
        assertTrue(hb.liveness().alive());
    }

    @Test
    void builtWithTheConfiguredWindow() throws Exception {
        Heartbeat hb = HeartbeatTracker.fromConfig(new ConfigSection("heartbeat", Map.of("alive-window", "2s")), clock);
        assertEquals(Duration.ofSeconds(2), hb.liveness().window());
        assertEquals(new LivenessFact(false, null), hb.fact());
        hb.contact("qga", Heartbeat.ContactKind.PING);
        assertEquals(new LivenessFact(true, "qga"), hb.fact());
    }

    @Test
    void serviceRefusesABadWindow() {
        AgentException e = assertThrows(AgentException.class, () -> HeartbeatTracker.fromConfig(
                new ConfigSection("heartbeat", Map.of("alive-window", "0")), clock));
        assertTrue(e.getMessage().contains("alive-window"), e.getMessage());
        assertThrows(AgentException.class, () -> HeartbeatTracker.fromConfig(
                new ConfigSection("heartbeat", Map.of("alive-window", "soon")), clock));
    }

    @Test
    void aSourcesFirstContactIsSignalledOnceAndContactsAreCountedPerSource() {
        HeartbeatTracker hb = new HeartbeatTracker(clock, Duration.ofSeconds(10));
        List<String> signals = new ArrayList<>();
        hb.onNewSource(() -> signals.add("new, last by " + hb.liveness().last().source()));
        hb.contact("qga", Heartbeat.ContactKind.SYNC);
        hb.contact("qga", Heartbeat.ContactKind.PING);
        hb.contact("hyperv-kvp", Heartbeat.ContactKind.REQUEST);
        hb.contact("qga", Heartbeat.ContactKind.PING);
        assertEquals(List.of("new, last by qga", "new, last by hyperv-kvp"), signals);
        assertEquals(3, hb.contacts("qga"));
        assertEquals(1, hb.contacts("hyperv-kvp"));
        assertEquals(0, hb.contacts("xen"));
    }
}
