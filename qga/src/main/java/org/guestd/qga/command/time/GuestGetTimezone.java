// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.time;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/** {@code guest-get-timezone} (Since: 2.10): GuestTimezone {@code {zone?: str, offset: int}}. */
public final class GuestGetTimezone extends BaseCommand {
    public static final String NAME = "guest-get-timezone";
    public static final String ZONE = "zone";
    public static final String OFFSET = "offset";

    private final GuestInfo info;

    public GuestGetTimezone(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        GuestInfo.TimeZoneInfo tz = info.timeZone();
        Map<String, Object> m = new LinkedHashMap<>();
        Wire.putOptional(m, ZONE, tz.zone());
        m.put(OFFSET, (long) tz.offsetSeconds());
        return m;
    }
}
