// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.control;

import org.guestd.qga.dispatch.ArgType;
import java.util.Optional;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/** {@code guest-sync} (Since: 0.15.0): echoes {@code id} so the host can resynchronise. */
public final class GuestSync extends BaseCommand {
    public static final String NAME = "guest-sync";
    /** Argument {@code id}: int. */
    public static final String ID = "id";

    static final StructSpec ARGS = StructSpec.builder().required(ID, ArgType.INT).build();

    private final Optional<Heartbeat> heartbeat;

    /** Without heartbeat recording. */
    public GuestSync() {
        this(Optional.empty());
    }

    /** @param heartbeat where host contact is recorded (a sync) */
    public GuestSync(Optional<Heartbeat> heartbeat) {
        super(NAME, ARGS);
        this.heartbeat = heartbeat;
    }

    /** Pure computation: may answer on the I/O thread. */
    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public Object execute(Args args) {
        heartbeat.ifPresent(h -> h.contact("qga", Heartbeat.ContactKind.SYNC));
        return args.getLong(ID);
    }
}
