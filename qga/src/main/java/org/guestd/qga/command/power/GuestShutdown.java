// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.power;

import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.StructSpec;
import org.guestd.shutdown.PowerControl;

/**
 * {@code guest-shutdown} (Since: 0.15.0): {@code mode?: str} "powerdown" (default), "halt" or
 * "reboot"; no reply on success. {@code mode} is a plain string in the schema, checked by
 * qemu-ga itself with its own (unbalanced) text.
 */
public final class GuestShutdown extends PowerCommand {
    public static final String NAME = "guest-shutdown";
    public static final String MODE = "mode";
    /** qemu-ga's text, without the closing parenthesis. */
    public static final String BAD_MODE = "mode is invalid (valid values are: halt|powerdown|reboot";

    private static final StructSpec ARGS = StructSpec.builder().optional(MODE, ArgType.STR).build();

    public GuestShutdown(Optional<PowerControl> power) {
        super(NAME, ARGS, power);
    }

    @Override
    public Object execute(Args args) throws AgentException {
        String mode = args.optString(MODE);
        PowerControl.PowerAction action;
        if (mode == null || mode.equals("powerdown")) {
            action = PowerControl.PowerAction.POWERDOWN;
        } else if (mode.equals("halt")) {
            action = PowerControl.PowerAction.HALT;
        } else if (mode.equals("reboot")) {
            action = PowerControl.PowerAction.REBOOT;
        } else {
            throw AgentException.generic(BAD_MODE);
        }
        power().shutdown(action, "qga");
        return null;
    }
}
