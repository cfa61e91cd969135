// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.control;

import java.util.Optional;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-sync-delimited} (Since: 1.1): like guest-sync, but the reply line is preceded by
 * the 0xFF sentinel byte so that a client can skip stale data up to it.
 */
public final class GuestSyncDelimited extends BaseCommand {
    public static final String NAME = "guest-sync-delimited";

    private final Optional<Heartbeat> heartbeat;

    /** Without heartbeat recording. */
    public GuestSyncDelimited() {
        this(Optional.empty());
    }

    /** @param heartbeat where host contact is recorded (a sync) */
    public GuestSyncDelimited(Optional<Heartbeat> heartbeat) {
        super(NAME, GuestSync.ARGS);
        this.heartbeat = heartbeat;
    }

    /** Pure computation: may answer on the I/O thread. */
    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public boolean delimitedResponse() {
        return true;
    }

    @Override
    public Object execute(Args args) {
        heartbeat.ifPresent(h -> h.contact("qga", Heartbeat.ContactKind.SYNC));
        return args.getLong(GuestSync.ID);
    }
}
