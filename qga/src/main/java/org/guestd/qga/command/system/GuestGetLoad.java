// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-load} (Since: 10.0; not in qemu-ga 7.2): GuestLoadAverage
 * {@code {load1m, load5m, load15m: number}} from {@code getloadavg(3)}; failure is
 * {@code "cannot query load average: <strerror>"}.
 */
public final class GuestGetLoad extends BaseCommand {
    public static final String NAME = "guest-get-load";

    private final GuestInfo info;

    public GuestGetLoad(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        GuestInfo.LoadAverage l = info.loadAverage();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("load1m", l.load1m());
        m.put("load5m", l.load5m());
        m.put("load15m", l.load15m());
        return m;
    }
}
