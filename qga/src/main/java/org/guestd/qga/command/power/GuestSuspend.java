// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.power;

import java.util.Optional;
import java.util.function.Supplier;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.shutdown.PowerControl;
import org.guestd.shutdown.PowerControl.SuspendMode;

/**
 * {@code guest-suspend-disk}, {@code guest-suspend-ram} (Since: 1.1) and {@code
 * guest-suspend-hybrid} (Since: 1.1): no arguments, no reply on success. Without the shutdown
 * service they answer as qemu-ga on a platform without suspend: not supported.
 */
public final class GuestSuspend extends BaseCommand {
    private final SuspendMode mode;
    private final Supplier<Optional<PowerControl>> power;

    public GuestSuspend(SuspendMode mode, Supplier<Optional<PowerControl>> power) {
        super("guest-" + mode.actionName());
        this.mode = mode;
        this.power = power;
    }

    @Override
    public boolean successResponse() {
        return false;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        power.get().orElseThrow(AgentException::unsupported).suspend(mode, "qga");
        return null;
    }
}
