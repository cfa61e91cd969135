// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.ChannelState;
import org.guestd.core.status.ChannelStatus;
import org.guestd.core.status.StatusFile;
import org.guestd.freeze.FsFreezer;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.heartbeat.HeartbeatTracker;
import org.guestd.memory.MemorySampler;
import org.guestd.qga.QgaService;
import org.guestd.timesync.TimeHealer;

/**
 * Takes the agent's status for the status file from the features and the channels: each channel's
 * state (its {@link ChannelStatus}) with the heartbeat's last contact on it, the freeze state, the
 * memory sampler's newest sample (a new one when that is older than the file's refresh period: one
 * read of /proc), the clock healer's last check and correction, and QGA's command policy. Never blocks
 * on a freeze: /proc is never frozen.
 */
final class StatusReport implements StatusFile.Snapshot {

    /**
     * What the report is taken from.
     *
     * @param version the agent's version
     * @param pid its process id
     * @param startedNanos when it started (wall clock)
     * @param configFile the config file read, or null
     * @param stateDir the state dir
     * @param policy where the RPC block/allow list came from, or null when none was set
     * @param clock the wall and monotonic clocks (contact times are monotonic)
     */
    record Sources(String version, long pid, long startedNanos, String configFile, String stateDir, String policy,
            Clock clock, HeartbeatTracker heartbeat, Optional<FsFreezer> freezer, MemorySampler memory,
            TimeHealer healer, List<ChannelStatus> channels, Supplier<Optional<QgaService.Commands>> commands) {
        Sources {
            Objects.requireNonNull(clock);
            Objects.requireNonNull(heartbeat);
            Objects.requireNonNull(freezer);
            Objects.requireNonNull(memory);
            Objects.requireNonNull(healer);
            channels = List.copyOf(channels);
            Objects.requireNonNull(commands);
        }
    }

    private final Sources in;

    StatusReport(Sources in) {
        this.in = in;
    }

    @Override
    public AgentStatus take(boolean running) {
        long wall = in.clock().realtimeNanos();
        long mono = in.clock().monotonicNanos();
        AgentStatus.Agent agent = new AgentStatus.Agent("guestd", in.version(), in.pid(), running, in.startedNanos(),
                wall, in.configFile(), in.stateDir());
        Map<String, Heartbeat.Contact> contacts = in.heartbeat().lastContactBySource();
        List<AgentStatus.Channel> channels = new ArrayList<>();
        for (ChannelStatus cs : in.channels()) {
            for (ChannelState st : cs.channels()) {
                Heartbeat.Contact c = st.contactSource() == null ? null : contacts.get(st.contactSource());
                AgentStatus.Contact last = c == null ? null
                        : new AgentStatus.Contact(wall - (mono - c.monotonicNanos()),
                                c.kind().name().toLowerCase(Locale.ROOT), in.heartbeat().contacts(st.contactSource()));
                channels.add(new AgentStatus.Channel(st, last));
            }
        }
        return new AgentStatus(agent, channels, freeze(), memory(), clock(), commands());
    }

    /** The newest sample if it is recent (the reporter's, while a channel listens), else a new one. */
    private MemoryFact memory() {
        try {
            return in.memory().latestWithin(StatusFile.REFRESH);
        } catch (AgentException e) {
            return in.memory().latest().orElse(null); // no /proc/meminfo now: the last one known
        }
    }

    private AgentStatus.Freeze freeze() {
        if (in.freezer().isEmpty()) {
            return AgentStatus.Freeze.UNAVAILABLE;
        }
        return in.freezer().get().frozen()
                .map(f -> new AgentStatus.Freeze(AgentStatus.FreezeState.FROZEN, f.by(), f.sinceNanos(),
                        f.autoThawAtNanos()))
                .orElse(AgentStatus.Freeze.THAWED);
    }

    private AgentStatus.Clock clock() {
        TimeHealer h = in.healer();
        AgentStatus.Correction last = h.lastCorrection()
                .map(c -> new AgentStatus.Correction(c.atNanos(), c.source(), c.offsetNanos(), c.action()))
                .orElse(null);
        return new AgentStatus.Clock(h.mode().name().toLowerCase(Locale.ROOT), h.sourceName().orElse(null),
                h.threshold().toNanos(), h.lastOffsetNanos(), h.lastCheckNanos(), last);
    }

    private AgentStatus.Commands commands() {
        return in.commands().get()
                .map(c -> new AgentStatus.Commands(in.policy(), c.enabled(), c.disabled()))
                .orElse(null);
    }
}
