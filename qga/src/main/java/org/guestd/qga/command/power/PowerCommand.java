// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.power;

import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;
import org.guestd.shutdown.PowerControl;

/**
 * A power command: the schema's {@code 'success-response': false} (no reply when it works), over
 * the shutdown feature's {@link PowerControl}; without it QERR_UNSUPPORTED.
 */
abstract class PowerCommand extends BaseCommand {
    private final Optional<PowerControl> power;

    PowerCommand(String name, StructSpec arguments, Optional<PowerControl> power) {
        super(name, arguments);
        this.power = power;
    }

    @Override
    public final boolean successResponse() {
        return false;
    }

    /** The shutdown service's API, or QERR_UNSUPPORTED when it is not running. */
    final PowerControl power() throws AgentException {
        return power.orElseThrow(AgentException::unsupported);
    }
}
