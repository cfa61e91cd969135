// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.spi;

import java.util.Objects;

/** Result of {@link AgentService#probe}: available, or not with a human-readable cause. */
public record Availability(String cause) {
    private static final Availability AVAILABLE = new Availability(null);

    public static Availability available() {
        return AVAILABLE;
    }

    public static Availability unavailable(String cause) {
        return new Availability(Objects.requireNonNull(cause));
    }

    public boolean isAvailable() {
        return cause == null;
    }
}
