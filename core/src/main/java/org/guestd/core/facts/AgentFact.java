// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.Objects;

/**
 * The agent itself.
 *
 * @param name the agent's name ("guestd")
 * @param version its version, e.g. "0.1.0" (digits and dots, possibly a suffix)
 */
public record AgentFact(String name, String version) {
    public AgentFact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }
}
