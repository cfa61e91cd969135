// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import org.guestd.core.AgentException;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;

/**
 * The {@code shutdown} service: exports {@link PowerControl} built from the {@code [shutdown]}
 * section ({@link PowerConfig}), the context's program runner and /sys root.
 */
public final class ShutdownService implements AgentService {
    public static final String NAME = "shutdown";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        PowerConfig config = PowerConfig.from(ctx.config());
        ctx.export(PowerControl.class, new LinuxPowerControl(config, ctx.commands(), ctx.paths(), null));
    }
}
