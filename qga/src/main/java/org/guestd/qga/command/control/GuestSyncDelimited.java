// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.control;

import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-sync-delimited} (Since: 1.1): like guest-sync, but the reply line is preceded by
 * the 0xFF sentinel byte so that a client can skip stale data up to it.
 */
public final class GuestSyncDelimited implements QgaCommand {
    public static final String NAME = "guest-sync-delimited";

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
    public StructSpec arguments() {
        return GuestSync.ARGS;
    }

    @Override
    public boolean delimitedResponse() {
        return true;
    }

    @Override
    public Object execute(Args args) {
        return args.getLong(GuestSync.ID);
    }
}
