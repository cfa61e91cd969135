// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.time;

import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;
import org.guestd.timesync.TimeSync;

/**
 * {@code guest-set-time} (Since: 1.5): {@code time?: int} ns since the epoch; with it the clock is
 * stepped and written to the RTC, without it the clock is set from the RTC. Returns {@code {}}.
 * Without the timesync service: not supported (qemu-ga without hwclock).
 */
public final class GuestSetTime extends BaseCommand {
    public static final String NAME = "guest-set-time";
    public static final String TIME = "time";

    private static final StructSpec ARGS = StructSpec.builder().optional(TIME, ArgType.INT).build();

    private final Optional<TimeSync> time;

    public GuestSetTime(Optional<TimeSync> time) {
        super(NAME, ARGS);
        this.time = time;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        TimeSync t = time.orElseThrow(AgentException::unsupported);
        Long ns = args.optLong(TIME);
        if (ns == null) {
            t.setFromRtc("qga");
        } else {
            t.setFromHost(ns, "qga");
        }
        return null;
    }
}
