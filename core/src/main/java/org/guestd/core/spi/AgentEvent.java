// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.spi;

/**
 * Something that happened to the agent as a whole (open-vm-tools core signals). {@code source}
 * names who raised it, e.g. the channel that was reset.
 */
public record AgentEvent(Kind kind, String source) {
    public enum Kind {
        /** A host channel was (re)opened; protocols re-register, caches are cleared. */
        CHANNEL_RESET,
        /** The guest resumed from suspend or a snapshot restore; clocks may have jumped. */
        HOST_RESUMED,
        /** Filesystems were frozen: nothing may write to disk until THAWED. */
        FROZEN,
        /** Filesystems were thawed. */
        THAWED,
        /** The agent is about to stop. */
        SHUTDOWN
    }
}
