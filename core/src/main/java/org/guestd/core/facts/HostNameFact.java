// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.Objects;

/** The guest's host name as gethostname(2) returns it. */
public record HostNameFact(String hostName) {
    public HostNameFact {
        Objects.requireNonNull(hostName, "hostName");
    }
}
