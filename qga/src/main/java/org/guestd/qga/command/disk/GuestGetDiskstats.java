// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.disk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.guestinfo.GuestInfo.IoCounters;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-diskstats} (Since: 7.1, Linux): [GuestDiskStatsInfo {@code {name, major:
 * uint64, minor: uint64, stats: GuestDiskStats}}], every GuestDiskStats member an optional uint64
 * present when the kernel's line carried it.
 */
public final class GuestGetDiskstats extends BaseCommand {
    public static final String NAME = "guest-get-diskstats";

    private final GuestInfo info;

    public GuestGetDiskstats(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.DiskStats d : info.diskStats()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("major", Wire.u64(d.major()));
            m.put("minor", Wire.u64(d.minor()));
            m.put("stats", stats(d.counters()));
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> stats(IoCounters c) {
        Map<String, Object> m = new LinkedHashMap<>();
        u64(m, "read-sectors", c.readSectors());
        u64(m, "read-ios", c.readIos());
        u64(m, "read-merges", c.readMerges());
        u64(m, "write-sectors", c.writeSectors());
        u64(m, "write-ios", c.writeIos());
        u64(m, "write-merges", c.writeMerges());
        u64(m, "discard-sectors", c.discardSectors());
        u64(m, "discard-ios", c.discardIos());
        u64(m, "discard-merges", c.discardMerges());
        u64(m, "flush-ios", c.flushIos());
        u64(m, "read-ticks", c.readTicks());
        u64(m, "write-ticks", c.writeTicks());
        u64(m, "discard-ticks", c.discardTicks());
        u64(m, "flush-ticks", c.flushTicks());
        u64(m, "ios-pgr", c.iosInProgress());
        u64(m, "total-ticks", c.totalTicks());
        u64(m, "weight-ticks", c.weightedTicks());
        return m;
    }

    static void u64(Map<String, Object> m, String name, Long v) {
        if (v != null) {
            m.put(name, Wire.u64(v));
        }
    }
}
