// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.status;

import java.util.List;
import java.util.Objects;
import org.guestd.core.facts.MemoryFact;

/**
 * What the agent's status file says: the agent, its channels with their last host contact, the
 * freeze state, the latest memory sample, the clock check, the command policy. The agent writes it
 * ({@link StatusFile}); {@code guestctl status} reads it ({@link StatusJson}). No secrets: nothing a
 * host sent (no arguments, no file contents, no KVP values), so the file can be world-readable.
 * Times are wall-clock nanoseconds since the epoch.
 *
 * @param agent the agent itself
 * @param channels every channel, open or off, in a stable order
 * @param freeze the freeze state
 * @param memory the latest memory sample, or null (none taken yet, or reporting off)
 * @param clock the clock healer's view, or null when it does not run
 * @param commands the QGA command policy, or null before QGA started
 */
public record AgentStatus(Agent agent, List<Channel> channels, Freeze freeze, MemoryFact memory, Clock clock,
        Commands commands) {

    public AgentStatus {
        Objects.requireNonNull(agent, "agent");
        channels = List.copyOf(channels);
        Objects.requireNonNull(freeze, "freeze");
    }

    /**
     * @param name "guestd"
     * @param version the agent's version
     * @param pid its process id
     * @param running false in the last file written on a clean stop
     * @param startedNanos when it started
     * @param writtenNanos when this status was taken
     * @param configFile the config file in use, or null when none was read
     * @param stateDir the state dir
     */
    public record Agent(String name, String version, long pid, boolean running, long startedNanos, long writtenNanos,
            String configFile, String stateDir) {
        public Agent {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * A channel and the last host contact seen on it.
     *
     * @param state the channel as its protocol reports it
     * @param lastContact the last host contact, or null when there was none
     */
    public record Channel(ChannelState state, Contact lastContact) {
        public Channel {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * A host contact.
     *
     * @param atNanos when
     * @param kind {@code "ping"}, {@code "sync"} or {@code "request"}
     * @param count contacts on this channel since the agent started
     */
    public record Contact(long atNanos, String kind, long count) {}

    /** Whether filesystems are frozen. */
    public enum FreezeState { THAWED, FROZEN, UNAVAILABLE }

    /**
     * @param state thawed, frozen, or unavailable (no freeze feature here)
     * @param by who froze (when frozen)
     * @param sinceNanos since when (when frozen), else 0
     * @param autoThawAtNanos when the auto-thaw watchdog thaws (when frozen), or -1 when it is off
     */
    public record Freeze(FreezeState state, String by, long sinceNanos, long autoThawAtNanos) {
        public static final Freeze THAWED = new Freeze(FreezeState.THAWED, null, 0, -1);
        public static final Freeze UNAVAILABLE = new Freeze(FreezeState.UNAVAILABLE, null, 0, -1);

        public Freeze {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * The clock healer.
     *
     * @param mode {@code auto}, {@code step} or {@code off}
     * @param source the hypervisor time source ({@code "rtc0"}, {@code "ptp0 (KVM virtual PTP)"}), or null
     *     when there is none
     * @param thresholdNanos the offset beyond which the clock is corrected
     * @param offsetNanos the offset found by the last check (source minus system), when there was one
     * @param checkedNanos when the last check ran, or 0 when none has
     * @param lastCorrection the last correction, or null
     */
    public record Clock(String mode, String source, long thresholdNanos, long offsetNanos, long checkedNanos,
            Correction lastCorrection) {}

    /**
     * A clock correction.
     *
     * @param atNanos when
     * @param source against what
     * @param offsetNanos by how much the clock was off
     * @param action what was done ("stepped", "asked chronyc -a makestep"…)
     */
    public record Correction(long atNanos, String source, long offsetNanos, String action) {}

    /**
     * The QGA command policy in effect (frozen state aside).
     *
     * @param policy where the block or allow list came from ("config file /etc/guestd/guestd.conf", "the
     *     command line", a distribution's qemu-ga settings), or null when neither list was set anywhere
     *     (everything is enabled, as qemu-ga's defaults)
     * @param enabled the enabled commands, in schema order
     * @param disabled the disabled commands (blocked, not allowed, or not supported here), in schema order
     */
    public record Commands(String policy, List<String> enabled, List<String> disabled) {
        public Commands {
            enabled = List.copyOf(enabled);
            disabled = List.copyOf(disabled);
        }
    }
}
