// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.power;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.shutdown.PowerControl;
import org.guestd.shutdown.PowerControl.SuspendMode;

/** The power commands, over the shutdown feature's {@link PowerControl}. */
public final class PowerCommands {
    private PowerCommands() {}

    public static List<QgaCommand> all(Optional<PowerControl> power) {
        return List.of(new GuestShutdown(power),
                new GuestSuspend("guest-suspend-disk", SuspendMode.DISK, power),
                new GuestSuspend("guest-suspend-ram", SuspendMode.RAM, power),
                new GuestSuspend("guest-suspend-hybrid", SuspendMode.HYBRID, power));
    }
}
