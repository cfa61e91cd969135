// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

/** The agent started inside the guest (kernel command line {@code e2e.agent=}). */
public enum Agent {
    /** The project's agent, built from this tree, started by bin/guestd. */
    GUESTD("guestd"),
    /** Debian's qemu-ga 7.2 from bookworm: the reference. */
    QEMU_GA("qemu-ga");

    private final String id;

    Agent(String id) {
        this.id = id;
    }

    /** The name used on the guest's command line and in reports. */
    public String id() {
        return id;
    }

    /** Whether this agent is the reference (its failures are recorded, not the suite's failures). */
    public boolean reference() {
        return this == QEMU_GA;
    }

    /** Parses {@code guestd} or {@code qemu-ga}. */
    public static Agent of(String id) {
        for (Agent a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown agent " + id + " (guestd, qemu-ga)");
    }
}
