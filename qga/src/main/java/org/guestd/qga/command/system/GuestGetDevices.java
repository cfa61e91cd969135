// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.system;

import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-devices} (Since: 5.2) lists Windows device drivers. qemu-ga 7.2 on Linux
 * registers it but always disables it (transcript 19d: "Command guest-get-devices has been
 * disabled"; guest-info shows {@code enabled: false}); guestd does the same. (qemu 9.1 and later
 * no longer build it on POSIX at all, so there it is "has not been found".) Should it ever run,
 * it answers like qemu's POSIX stub: QERR_UNSUPPORTED.
 */
public final class GuestGetDevices extends BaseCommand {
    public static final String NAME = "guest-get-devices";

    public GuestGetDevices() {
        super(NAME);
    }

    @Override
    public boolean alwaysDisabled() {
        return true;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        throw AgentException.unsupported();
    }
}
