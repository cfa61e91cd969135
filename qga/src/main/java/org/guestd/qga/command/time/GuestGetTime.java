// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.time;

import org.guestd.core.env.Clock;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-time} (Since: 1.5): nanoseconds since the epoch, with microsecond resolution
 * as qemu-ga's {@code g_get_real_time() * 1000}.
 */
public final class GuestGetTime extends BaseCommand {
    public static final String NAME = "guest-get-time";

    private final Clock clock;

    public GuestGetTime(Clock clock) {
        super(NAME);
        this.clock = clock;
    }

    /** Pure computation: may answer on the I/O thread. */
    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public Object execute(Args args) {
        return Math.floorDiv(clock.realtimeNanos(), 1000L) * 1000L;
    }
}
