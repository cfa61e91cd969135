// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-cpustats} (Since: 7.1, Linux): [GuestCpuStats], the flat union
 * {@code {type: "linux", cpu: int, user, nice, system, idle, iowait?, irq?, softirq?, steal?,
 * guest?, guestnice?}} (uint64 milliseconds).
 */
public final class GuestGetCpustats extends BaseCommand {
    public static final String NAME = "guest-get-cpustats";

    private final GuestInfo info;

    public GuestGetCpustats(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.CpuStats c : info.cpuStats()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "linux");
            m.put("cpu", (long) c.cpu());
            m.put("user", Wire.u64(c.user()));
            m.put("nice", Wire.u64(c.nice()));
            m.put("system", Wire.u64(c.system()));
            m.put("idle", Wire.u64(c.idle()));
            optional(m, "iowait", c.iowait());
            optional(m, "irq", c.irq());
            optional(m, "softirq", c.softirq());
            optional(m, "steal", c.steal());
            optional(m, "guest", c.guest());
            optional(m, "guestnice", c.guestNice());
            out.add(m);
        }
        return out;
    }

    private static void optional(Map<String, Object> m, String name, Long v) {
        if (v != null) {
            m.put(name, Wire.u64(v));
        }
    }
}
