// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.qga.dispatch.Args;

/** {@code guest-fsfreeze-status} (Since: 0.15.0): GuestFsfreezeStatus {@code "thawed"} or {@code "frozen"}. */
public final class GuestFsfreezeStatus extends FeatureCommand<FsFreezer> {
    public static final String NAME = "guest-fsfreeze-status";

    /** @param freezer the engine, or null when freezing is not available */
    public GuestFsfreezeStatus(FsFreezer freezer) {
        super(NAME, freezer);
    }

    @Override
    public Object execute(Args args) throws AgentException {
        return wire(feature().status());
    }

    /** GuestFsfreezeStatus: {@code "thawed"} or {@code "frozen"}. */
    static String wire(FsFreezer.Status status) {
        return switch (status) {
            case THAWED -> "thawed";
            case FROZEN -> "frozen";
        };
    }
}
