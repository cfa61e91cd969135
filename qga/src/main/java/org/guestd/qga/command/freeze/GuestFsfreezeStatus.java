// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/** {@code guest-fsfreeze-status} (Since: 0.15.0): GuestFsfreezeStatus {@code "thawed"} or {@code "frozen"}. */
public final class GuestFsfreezeStatus extends BaseCommand {
    public static final String NAME = "guest-fsfreeze-status";

    private final FsFreezer freezer;

    /** @param freezer the engine, or null when freezing is not available */
    public GuestFsfreezeStatus(FsFreezer freezer) {
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
        return freezer.status().wireName();
    }
}
