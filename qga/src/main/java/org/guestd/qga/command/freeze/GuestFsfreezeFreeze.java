// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.qga.dispatch.Args;

/**
 * {@code guest-fsfreeze-freeze} (Since: 0.15.0): freezes every freezable filesystem; returns the
 * number frozen. On error everything is thawed first and the engine's text is the reply.
 */
public final class GuestFsfreezeFreeze extends FeatureCommand<FsFreezer> {
    public static final String NAME = "guest-fsfreeze-freeze";

    public GuestFsfreezeFreeze(FsFreezer freezer) {
        super(NAME, freezer);
    }

    @Override
    public Object execute(Args args) throws AgentException {
        return (long) feature().freeze(null, FreezeCommands.REQUESTER);
    }
}
