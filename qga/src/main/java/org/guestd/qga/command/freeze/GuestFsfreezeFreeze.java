// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-fsfreeze-freeze} (Since: 0.15.0): freezes every freezable filesystem; returns the
 * number frozen. On error everything is thawed first and the engine's text is the reply.
 */
public final class GuestFsfreezeFreeze extends BaseCommand {
    public static final String NAME = "guest-fsfreeze-freeze";

    private final FsFreezer freezer;

    public GuestFsfreezeFreeze(FsFreezer freezer) {
        super(NAME);
        this.freezer = freezer;
    }

    @Override
    public boolean supported() {
        return freezer != null;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        if (freezer == null) {
            throw AgentException.unsupported();
        }
        return (long) freezer.freeze(null, FreezeCommands.REQUESTER);
    }
}
