// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.e2e.xen.XenSuite.Result;

/**
 * The keys that depend on the running domU, against its own view ({@link DomUView}): memory against
 * its {@code /proc/meminfo}, the vif's addresses (those its init gave eth0, under the vif id of eth0's
 * bus node), the volume against {@code df -k /mnt/data} and the vbd's backend, and how long an
 * address added in the domU took to reach dom0's xenstore.
 */
final class DomUChecks {
    /** The limit for an address change to reach dom0. */
    static final long ADDRESS_CHANGE_LIMIT_MILLIS = 2000;

    private DomUChecks() {}

    static List<Result> check(Map<String, String> keys, DomUView v, long addressChangeMillis) {
        List<Result> r = new ArrayList<>();
        // memory: the total exactly, free (= MemAvailable) within a quarter of the total (the domU's JVM
        // started and the figure is at most a minute old)
        String total = keys.get("data/meminfo_total");
        r.add(new Result("data/meminfo_total", v.memTotalKb() > 0 && String.valueOf(v.memTotalKb()).equals(total),
                "dom0 read " + total + " kB, the domU's MemTotal is " + v.memTotalKb() + " kB"));
        long free = parse(keys.get("data/meminfo_free"));
        r.add(new Result("data/meminfo_free", v.memAvailableKb() > 0 && free > 0
                && Math.abs(free - v.memAvailableKb()) <= v.memTotalKb() / 4,
                "dom0 read " + free + " kB, the domU's MemAvailable is " + v.memAvailableKb() + " kB"));
        // the vif: its id from eth0's bus node, the addresses the domU's init gave it
        String vif = v.vifId();
        r.add(new Result("vif id", "0".equals(vif), "eth0 of the domU is on " + v.vifNode()));
        String p = "attr/vif/" + (vif == null ? "0" : vif);
        r.add(new Result(p + "/ipv4/0", "192.0.2.10".equals(keys.get(p + "/ipv4/0")),
                "dom0 read " + keys.get(p + "/ipv4/0") + ", the domU's init set 192.0.2.10"));
        boolean v6 = keys.entrySet().stream().anyMatch(e -> e.getKey().startsWith(p + "/ipv6/")
                && e.getValue().equals("2001:db8::10"));
        r.add(new Result(p + "/ipv6/*", v6, "2001:db8::10 among " + values(keys, p + "/ipv6/")));
        // the volume: the disk the domU mounted, as df sees it
        String vol = "data/volumes/0/";
        r.add(new Result(vol + "name", v.dfDevice() != null && v.dfDevice().equals(keys.get(vol + "name")),
                "dom0 read " + keys.get(vol + "name") + ", df in the domU: " + v.dfDevice()));
        r.add(new Result(vol + "mount_points/0", "/mnt/data".equals(v.dfMount())
                && "/mnt/data".equals(keys.get(vol + "mount_points/0")), "dom0 read " + keys.get(vol + "mount_points/0")));
        r.add(new Result(vol + "filesystem", "ext4".equals(keys.get(vol + "filesystem")),
                "dom0 read " + keys.get(vol + "filesystem")));
        r.add(new Result(vol + "extents/0", "xvda".equals(keys.get(vol + "extents/0")),
                "dom0 read " + keys.get(vol + "extents/0") + " (the vbd backend's dev; the domU's disk is on "
                        + v.vbdNode() + ")"));
        long size = parse(keys.get(vol + "size"));
        r.add(new Result(vol + "size", v.dfTotalKb() > 0 && Math.abs(size - v.dfTotalKb() * 1024) <= v.dfTotalKb() * 1024 / 100,
                "dom0 read " + size + " bytes, df: " + v.dfTotalKb() + " kB"));
        long vfree = parse(keys.get(vol + "free"));
        r.add(new Result(vol + "free", v.dfAvailableKb() > 0 && Math.abs(vfree - v.dfAvailableKb() * 1024) <= 1 << 20,
                "dom0 read " + vfree + " bytes, df: " + v.dfAvailableKb() + " kB available"));
        r.add(new Result("address change → dom0", addressChangeMillis >= 0 && addressChangeMillis <= ADDRESS_CHANGE_LIMIT_MILLIS,
                addressChangeMillis < 0 ? "no measurement" : addressChangeMillis + " ms from `ip addr add` in the domU"
                        + " (sent by dom0) to the key in dom0's xenstore (limit " + ADDRESS_CHANGE_LIMIT_MILLIS + " ms)"));
        return r;
    }

    private static long parse(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<String> values(Map<String, String> keys, String prefix) {
        return keys.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
    }
}
