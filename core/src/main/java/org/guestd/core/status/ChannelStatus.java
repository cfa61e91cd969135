// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.status;

import java.util.List;

/**
 * What a protocol service tells about its channels, for the agent's status file ({@code guestctl
 * status}): each channel open or off and why, its sessions, and under which name its host contacts
 * are recorded. QGA, Hyper-V (KVP, VSS, fcopy) and Xen implement it (Azure provisioning is a one-shot
 * pass, not a channel: {@code guestctl azure status}).
 */
public interface ChannelStatus {
    /** The channels this service serves or would serve, now, in a stable order. Cheap; never blocks. */
    List<ChannelState> channels();

    /**
     * Registers {@code listener}, run when what {@link #channels()} returns changes (a channel opened or
     * closed, a session began or ended). It is run on whatever thread saw the change and must be quick.
     */
    void onChange(Runnable listener);
}
