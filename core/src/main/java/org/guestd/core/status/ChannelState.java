// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.status;

import java.util.Objects;

/**
 * One host channel as the agent's status report shows it: open (and where), or off (and why).
 *
 * @param name the channel: {@code "qga"}, {@code "kvp"}, {@code "vss"}, {@code "fcopy"}, {@code "xen"}
 * @param state open or off
 * @param transport where it is served, e.g. {@code "virtio-serial:/dev/virtio-ports/org.qemu.guest_agent.0"}
 *     or {@code "/dev/vmbus/hv_kvp"}; null when off
 * @param reason why it is off, in a few words a user can act on; null when open
 * @param sessions the sessions open on it now (clients of a socket, 1 for an opened serial port), or -1
 *     where the channel has no sessions (a message device)
 * @param contactSource the name under which the heartbeat records this channel's host contacts
 *     ({@code "qga"}, {@code "hyperv-kvp"}), or null when it records none
 */
public record ChannelState(String name, State state, String transport, String reason, int sessions,
        String contactSource) {

    /** Whether the channel is served. */
    public enum State { OPEN, OFF }

    public ChannelState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }

    /** An open channel. */
    public static ChannelState open(String name, String transport, int sessions, String contactSource) {
        return new ChannelState(name, State.OPEN, transport, null, sessions, contactSource);
    }

    /** A channel that is off, and why. */
    public static ChannelState off(String name, String reason, String contactSource) {
        return new ChannelState(name, State.OFF, null, Objects.requireNonNull(reason, "reason"), -1, contactSource);
    }
}
