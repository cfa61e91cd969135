// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-fsfreeze-thaw} (Since: 0.15.0): thaws what was frozen; returns the number thawed
 * (0 when nothing was frozen, also after a restart with the frozen marker where nothing was
 * really frozen: transcript 29).
 */
public final class GuestFsfreezeThaw extends BaseCommand {
    public static final String NAME = "guest-fsfreeze-thaw";

    private final FsFreezer freezer;

    public GuestFsfreezeThaw(FsFreezer freezer) {
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
        return (long) freezer.thaw(FreezeCommands.REQUESTER);
    }
}
