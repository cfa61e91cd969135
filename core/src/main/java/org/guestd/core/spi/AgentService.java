// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.spi;

import org.guestd.core.AgentException;

/**
 * A feature or endpoint of the agent (open-vm-tools {@code ToolsPluginData}). The runtime probes
 * every service, starts the available ones in list order and stops them in reverse order.
 */
public interface AgentService {
    /** Stable id: logger category {@code org.guestd.<name>}, config section {@code [<name>]}. */
    String name();

    /**
     * Side-effect-free check whether the service can run here. An unavailable service is skipped
     * and its cause is logged once.
     */
    default Availability probe(ServiceContext ctx) {
        return Availability.available();
    }

    /** Declares periodic tasks, listeners and exported APIs. Must not block for long. */
    void start(ServiceContext ctx) throws AgentException;

    /** Undoes {@link #start}. Called in reverse start order, also on SIGTERM. Must not throw. */
    default void stop() {}
}
