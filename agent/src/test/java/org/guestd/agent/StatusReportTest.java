// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.ChannelState;
import org.guestd.core.status.ChannelStatus;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.core.testing.FixtureTree;
import org.guestd.freeze.FsFreezer;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.heartbeat.HeartbeatTracker;
import org.guestd.memory.MemorySampler;
import org.guestd.qga.QgaService;
import org.guestd.timesync.TimeHealer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status the agent writes, taken from fake features and channels. */
class StatusReportTest {
    static final long T0 = 1_795_000_000_000_000_000L;
    static final long S = 1_000_000_000L;

    @TempDir
    Path root;

    final FakeClock clock = new FakeClock(T0);
    final HeartbeatTracker heartbeat = new HeartbeatTracker(clock, Duration.ofMinutes(5));
    FsFreezer.Frozen frozen;

    /** A freezer whose state the test sets. */
    final FsFreezer freezer = new FsFreezer() {
        @Override
        public Status status() {
            return frozen == null ? Status.THAWED : Status.FROZEN;
        }

        @Override
        public Optional<Frozen> frozen() {
            return Optional.ofNullable(frozen);
        }

        @Override
        public int freeze(List<String> mountpoints, String requester) {
            throw new AssertionError("the report never freezes");
        }

        @Override
        public int thaw(String requester) {
            throw new AssertionError("the report never thaws");
        }
    };

    /** Two protocols: QGA-like with one channel, Hyper-V-like with two. */
    final List<ChannelState> hyperv = new ArrayList<>(List.of(
            ChannelState.open("kvp", "/dev/vmbus/hv_kvp", -1, "hyperv-kvp"),
            ChannelState.off("vss", "/dev/vmbus/hv_vss is busy: another daemon holds it (hv_vss_daemon?)",
                    "hyperv-vss")));

    StatusReport report(Optional<FsFreezer> f, Optional<QgaService.Commands> commands, String policy) throws Exception {
        FixtureTree t = new FixtureTree(root).file("proc/meminfo",
                "MemTotal: 1048576 kB\nMemFree: 524288 kB\nMemAvailable: 786432 kB\n");
        MemorySampler memory = new MemorySampler(t.paths(), clock);
        memory.sample();
        TimeHealer healer = TimeHealer.create(new ConfigSection("timesync", Map.of("threshold", "2s")), clock,
                new FakeCommandRunner(), t.paths());
        ChannelStatus qga = channelStatus(List.of(ChannelState.open("qga", "unix:/run/guestd/qga.sock", 2, "qga")));
        ChannelStatus hv = channelStatus(hyperv);
        return new StatusReport(new StatusReport.Sources("0.1.0", 412, T0 - 60 * S, "/etc/guestd/guestd.conf",
                "/run/guestd", policy, clock, heartbeat, f, memory, healer, List.of(qga, hv), () -> commands));
    }

    static ChannelStatus channelStatus(List<ChannelState> states) {
        return new ChannelStatus() {
            @Override
            public List<ChannelState> channels() {
                return List.copyOf(states);
            }

            @Override
            public void onChange(Runnable listener) {}
        };
    }

    @Test
    void everyChannelWithItsLastContactOnTheWallClock() throws Exception {
        StatusReport r = report(Optional.of(freezer), Optional.empty(), null);
        clock.advance(10 * S);
        heartbeat.contact("qga", Heartbeat.ContactKind.SYNC);
        clock.advance(5 * S);
        heartbeat.contact("qga", Heartbeat.ContactKind.PING);
        heartbeat.contact("hyperv-vss", Heartbeat.ContactKind.REQUEST); // before it went busy
        clock.advance(7 * S);
        clock.setRealtimeNanos(T0 + 3600 * S); // a clock step since: contacts keep their age
        AgentStatus s = r.take(true);
        assertEquals(new AgentStatus.Agent("guestd", "0.1.0", 412, true, T0 - 60 * S, T0 + 3600 * S,
                "/etc/guestd/guestd.conf", "/run/guestd"), s.agent());
        assertEquals(List.of("qga", "kvp", "vss"), s.channels().stream().map(c -> c.state().name()).toList());
        assertEquals(new AgentStatus.Contact(T0 + 3600 * S - 7 * S, "ping", 2), s.channels().get(0).lastContact());
        assertNull(s.channels().get(1).lastContact(), "no KVP contact yet");
        assertEquals("request", s.channels().get(2).lastContact().kind());
        assertEquals(1, s.channels().get(2).lastContact().count());
        assertFalse(r.take(false).agent().running());
    }

    @Test
    void freezeMemoryClockAndCommands() throws Exception {
        StatusReport r = report(Optional.of(freezer), Optional.of(new QgaService.Commands(List.of("guest-ping"),
                List.of("guest-exec"))), "config file /etc/guestd/guestd.conf");
        AgentStatus s = r.take(true);
        assertEquals(AgentStatus.Freeze.THAWED, s.freeze());
        frozen = new FsFreezer.Frozen("qga", T0, T0 + 300 * S);
        assertEquals(new AgentStatus.Freeze(AgentStatus.FreezeState.FROZEN, "qga", T0, T0 + 300 * S),
                r.take(true).freeze());
        assertEquals(786432L * 1024, s.memory().availableBytes());
        assertEquals(new AgentStatus.Clock("auto", null, 2 * S, 0, 0, null), s.clock(),
                "no time source in the fixture: not healed, no check");
        assertEquals(new AgentStatus.Commands("config file /etc/guestd/guestd.conf", List.of("guest-ping"),
                List.of("guest-exec")), s.commands());
    }

    @Test
    void withoutFreezeFeatureOrQgaPolicy() throws Exception {
        AgentStatus s = report(Optional.empty(), Optional.empty(), null).take(true);
        assertEquals(AgentStatus.Freeze.UNAVAILABLE, s.freeze());
        assertNull(s.commands());
    }
}
