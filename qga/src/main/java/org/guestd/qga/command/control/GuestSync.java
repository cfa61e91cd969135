// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.control;

import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.QgaCommand;
import org.guestd.qga.dispatch.StructSpec;

/** {@code guest-sync} (Since: 0.15.0): echoes {@code id} so the host can resynchronise. */
public final class GuestSync implements QgaCommand {
    public static final String NAME = "guest-sync";
    /** Argument {@code id}: int. */
    public static final String ID = "id";

    static final StructSpec ARGS = StructSpec.builder().required(ID, ArgType.INT).build();

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
        return ARGS;
    }

    @Override
    public Object execute(Args args) {
        return args.getLong(ID);
    }
}
