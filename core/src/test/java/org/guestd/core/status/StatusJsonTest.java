// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.json.JsonReader;
import org.junit.jupiter.api.Test;

class StatusJsonTest {
    static final long T0 = 1_795_000_000_123_456_789L; // 2026-11-18T…Z, ns

    static AgentStatus full() {
        MemoryFact mem = new MemoryFact(1L << 30, 600L << 20, 800L << 20, 10L << 20, 100L << 20, 0, 0, 300L << 20,
                0, 0, 2L << 20, new MemoryFact.Pressure(1.5, 0.25, 42, 0, 0, 7), 256L << 20, T0 - 2_000_000_000L);
        return new AgentStatus(
                new AgentStatus.Agent("guestd", "0.1.0", 412, true, T0 - 60_000_000_000L, T0, "/etc/guestd/guestd.conf",
                        "/run/guestd"),
                List.of(new AgentStatus.Channel(ChannelState.open("qga",
                                "virtio-serial:/dev/virtio-ports/org.qemu.guest_agent.0", 1, "qga"),
                                new AgentStatus.Contact(T0 - 5_000_000_000L, "ping", 3)),
                        new AgentStatus.Channel(ChannelState.off("kvp", "no /dev/vmbus: not a Hyper-V guest",
                                "hyperv-kvp"), null)),
                new AgentStatus.Freeze(AgentStatus.FreezeState.FROZEN, "qga", T0 - 1_000_000_000L,
                        T0 + 299_000_000_000L),
                mem,
                new AgentStatus.Clock("auto", "rtc0", 1_000_000_000L, -20_400_000_000L, T0 - 3_000_000_000L,
                        new AgentStatus.Correction(T0 - 3_000_000_000L, "rtc0", -20_400_000_000L, "stepped")),
                new AgentStatus.Commands("config file /etc/guestd/guestd.conf", List.of("guest-ping", "guest-info"),
                        List.of("guest-exec")));
    }

    @Test
    void roundTripsAtMillisecondPrecision() {
        AgentStatus s = full();
        AgentStatus back = StatusJson.read(StatusJson.write(s));
        long ms = 1_000_000L;
        assertEquals(s.agent().pid(), back.agent().pid());
        assertEquals(s.agent().writtenNanos() / ms * ms, back.agent().writtenNanos());
        assertEquals(s.agent().configFile(), back.agent().configFile());
        assertEquals(2, back.channels().size());
        assertEquals(s.channels().get(0).state(), back.channels().get(0).state());
        assertEquals(s.channels().get(1).state(), back.channels().get(1).state());
        assertEquals(new AgentStatus.Contact((T0 - 5_000_000_000L) / ms * ms, "ping", 3),
                back.channels().get(0).lastContact());
        assertNull(back.channels().get(1).lastContact());
        assertEquals(AgentStatus.FreezeState.FROZEN, back.freeze().state());
        assertEquals((T0 + 299_000_000_000L) / ms * ms, back.freeze().autoThawAtNanos());
        assertEquals(s.memory().availableBytes(), back.memory().availableBytes());
        assertEquals(s.memory().balloonBytes(), back.memory().balloonBytes());
        assertEquals(s.memory().pressure(), back.memory().pressure());
        assertEquals(-20_400_000_000L, back.clock().offsetNanos());
        assertEquals("stepped", back.clock().lastCorrection().action());
        assertEquals(s.commands(), back.commands());
    }

    @Test
    void writesOneObjectWithTheDocumentedKeysAndIsoTimes() {
        String text = StatusJson.write(full());
        assertTrue(text.endsWith("}\n") && text.indexOf('\n') == text.length() - 1, "one line: " + text);
        Map<?, ?> m = (Map<?, ?>) JsonReader.parse(text);
        assertEquals(List.of("format", "agent", "channels", "freeze", "memory", "clock", "commands"),
                List.copyOf(m.keySet()));
        assertEquals(1L, m.get("format"));
        Map<?, ?> agent = (Map<?, ?>) m.get("agent");
        assertEquals("2026-11-18T11:06:40.123Z", agent.get("written"));
        Map<?, ?> qga = (Map<?, ?>) ((List<?>) m.get("channels")).get(0);
        assertEquals("open", qga.get("state"));
        assertEquals(1L, qga.get("sessions"));
        Map<?, ?> kvp = (Map<?, ?>) ((List<?>) m.get("channels")).get(1);
        assertEquals("off", kvp.get("state"));
        assertFalse(kvp.containsKey("sessions"), "a channel without sessions says nothing about them");
        assertEquals("no /dev/vmbus: not a Hyper-V guest", kvp.get("reason"));
    }

    @Test
    void thawedAndMissingPartsStayAbsent() {
        AgentStatus s = new AgentStatus(new AgentStatus.Agent("guestd", "0.1.0", 1, false, T0, T0, null, null),
                List.of(), AgentStatus.Freeze.THAWED, null, null, null);
        String text = StatusJson.write(s);
        Map<?, ?> m = (Map<?, ?>) JsonReader.parse(text);
        assertEquals(Map.of("state", "thawed"), m.get("freeze"));
        assertFalse(m.containsKey("memory") || m.containsKey("clock") || m.containsKey("commands"), text);
        AgentStatus back = StatusJson.read(text);
        assertFalse(back.agent().running());
        assertNull(back.memory());
        assertEquals(AgentStatus.Freeze.THAWED, back.freeze());
    }

    @Test
    void readsANewerFileAndRefusesNonsense() {
        AgentStatus s = StatusJson.read("{\"format\": 2, \"agent\": {\"version\": \"9.9\", \"pid\": 7, \"future\": 1},"
                + " \"channels\": [{\"name\": \"xen\", \"state\": \"open\", \"transport\": \"xenbus\"}, 5],"
                + " \"freeze\": {\"state\": \"thawing\"}, \"gpu\": {}}");
        assertEquals("9.9", s.agent().version());
        assertEquals(1, s.channels().size());
        assertEquals(ChannelState.State.OPEN, s.channels().get(0).state().state());
        assertEquals(AgentStatus.FreezeState.UNAVAILABLE, s.freeze().state());
        assertThrows(IllegalArgumentException.class, () -> StatusJson.read("[]"));
        assertThrows(IllegalArgumentException.class, () -> StatusJson.read("{\"channels\": []}"));
        assertThrows(IllegalArgumentException.class, () -> StatusJson.read("{\"agent\": {\"written\": \"yesterday\"}}"));
        assertThrows(IllegalArgumentException.class, () -> StatusJson.read("{\"agent\": {}"));
    }

    @Test
    void timesBeforeTheEpochAndAtNanosecondsFormat() {
        assertEquals("1970-01-01T00:00:00Z", StatusJson.time(0));
        assertEquals("1969-12-31T23:59:59.999Z", StatusJson.time(-1));
        assertEquals(T0, StatusJson.parseTime("2026-11-18T11:06:40.123456789Z"));
    }
}
