// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.control;

import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.QgaCommand;

/** {@code guest-ping} (Since: 0.15.0): no arguments, returns {@code {}}. */
public final class GuestPing implements QgaCommand {
    public static final String NAME = "guest-ping";

    /** Pure computation: may answer on the I/O thread. */
    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Object execute(Args args) {
        return null;
    }
}
