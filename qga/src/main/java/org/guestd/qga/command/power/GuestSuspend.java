// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.power;

import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.StructSpec;
import org.guestd.shutdown.PowerControl;
import org.guestd.shutdown.PowerControl.SuspendMode;

/**
 * {@code guest-suspend-disk}, {@code guest-suspend-ram} (Since: 1.1) and {@code
 * guest-suspend-hybrid} (Since: 1.1): no arguments, no reply on success. Without the shutdown
 * service they answer as qemu-ga on a platform without suspend: not supported.
 */
public final class GuestSuspend extends PowerCommand {
    private final SuspendMode mode;

    /** @param name the command's wire name, e.g. {@code guest-suspend-disk} */
    public GuestSuspend(String name, SuspendMode mode, Optional<PowerControl> power) {
        super(name, StructSpec.EMPTY, power);
        this.mode = mode;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        power().suspend(mode, "qga");
        return null;
    }
}
