// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.power;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.guestd.qga.command.CommandDeps;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.shutdown.PowerControl;
import org.guestd.shutdown.PowerControl.SuspendMode;

/** The power commands, over the shutdown service's {@link PowerControl} (looked up per call). */
public final class PowerCommands {
    private PowerCommands() {}

    public static List<QgaCommand> all(CommandDeps deps) {
        Supplier<Optional<PowerControl>> power = () -> deps.service(PowerControl.class);
        return List.of(new GuestShutdown(power),
                new GuestSuspend(SuspendMode.DISK, power),
                new GuestSuspend(SuspendMode.RAM, power),
                new GuestSuspend(SuspendMode.HYBRID, power));
    }
}
