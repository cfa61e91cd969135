// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.control;

import java.util.Optional;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/** {@code guest-ping} (Since: 0.15.0): no arguments, returns {@code {}}. */
public final class GuestPing extends BaseCommand {
    public static final String NAME = "guest-ping";

    private final Optional<Heartbeat> heartbeat;

    /** Without heartbeat recording. */
    public GuestPing() {
        this(Optional.empty());
    }

    /** @param heartbeat where host contact is recorded (a ping) */
    public GuestPing(Optional<Heartbeat> heartbeat) {
        super(NAME);
        this.heartbeat = heartbeat;
    }

    /** Pure computation: may answer on the I/O thread. */
    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public Object execute(Args args) {
        heartbeat.ifPresent(h -> h.contact("qga", Heartbeat.ContactKind.PING));
        return null;
    }
}
