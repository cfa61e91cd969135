// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.qga.dispatch.Args;

/**
 * {@code guest-fsfreeze-thaw} (Since: 0.15.0): thaws what was frozen; returns the number thawed
 * (0 when nothing was frozen, also after a restart with the frozen marker where nothing was
 * really frozen: transcript 29).
 */
public final class GuestFsfreezeThaw extends FeatureCommand<FsFreezer> {
    public static final String NAME = "guest-fsfreeze-thaw";

    public GuestFsfreezeThaw(FsFreezer freezer) {
        super(NAME, freezer);
    }

    @Override
    public Object execute(Args args) throws AgentException {
        return (long) feature().thaw(FreezeCommands.REQUESTER);
    }
}
