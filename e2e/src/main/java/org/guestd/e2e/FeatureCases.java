// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.guestd.e2e.Session.check;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;

/**
 * Cases on the guest's real resources: balloon statistics next to the agent's memory report, the
 * agent's footprint, freezing the guest's ext4 and xfs with a writer blocked until thaw, trimming
 * them, setting
 * the guest clock, and onlining a hot-plugged memory block.
 */
final class FeatureCases {

    private FeatureCases() {
    }

    static List<Case> all() {
        return List.of(
                new Case("balloon-vs-agent-memory", FeatureCases::balloon),
                new Case("footprint", FeatureCases::footprint),
                new Case("fsfreeze", FreezeCase::run),
                new Case("fstrim", FeatureCases::fstrim),
                new Case("set-time", FeatureCases::setTime),
                new Case("set-memory-blocks", FeatureCases::setMemoryBlocks));
    }

    private static void balloon(Session s) throws Exception {
        Qmp q = s.qmp();
        String path = "/machine/peripheral/balloon0";
        q.execute("qom-set", Map.of("path", path, "property", "guest-stats-polling-interval", "value", 1));
        Map<?, ?> stats = Map.of();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Map<?, ?> r = (Map<?, ?>) q.execute("qom-get", Map.of("path", path, "property", "guest-stats"));
            stats = (Map<?, ?>) r.get("stats");
            if (Json.asLong(stats.get("stat-total-memory")) != null && Json.asLong(stats.get("stat-total-memory")) > 0) {
                break;
            }
            Sleep.millis(500);
        }
        long total = Json.asLong(stats.get("stat-total-memory"));
        long free = Json.asLong(stats.get("stat-free-memory"));
        long memTotal = 1024 * Long.parseLong(s.shell().sh("awk '/^MemTotal:/{print $2}' /proc/meminfo"));
        check(total == memTotal, "balloon stat-total-memory " + total + " != guest MemTotal " + memTotal);
        s.note("QMP balloon: total " + (total >> 20) + " MiB, free " + (free >> 20) + " MiB (guest MemTotal "
                + (memTotal >> 20) + " MiB)");
        // The agent's memory report: online memory blocks x block size (qemu-ga's only memory view).
        List<Object> blocks = s.okList("guest-get-memory-blocks");
        long size = Json.asLong(s.okMap("guest-get-memory-block-info").get("size"));
        long online = blocks.stream().filter(b -> Boolean.TRUE.equals(((Map<?, ?>) b).get("online"))).count();
        s.note("agent: " + online + " online blocks x " + (size >> 20) + " MiB = " + (online * size >> 20) + " MiB");
        check(online * size >= total, "agent's online memory is less than the balloon's total");
        s.metric("balloon", "QMP total " + (total >> 20) + " MiB / agent blocks " + (online * size >> 20) + " MiB");
    }

    /**
     * guest-fstrim on the guest's real filesystems (FITRIM runs only here, never on the build
     * machine): the guest's ext4 and xfs are both reported, each trimmed or with the kernel's error.
     */
    private static void fstrim(Session s) throws Exception {
        Map<?, ?> r = s.okMap("guest-fstrim");
        StringBuilder seen = new StringBuilder();
        for (String mp : List.of("/mnt/ext4", "/mnt/xfs")) {
            Map<?, ?> entry = null;
            for (Object o : (List<?>) r.get("paths")) {
                if (mp.equals(((Map<?, ?>) o).get("path"))) {
                    entry = (Map<?, ?>) o;
                }
            }
            check(entry != null, "guest-fstrim did not report " + mp + ": " + r);
            check(entry.containsKey("trimmed") || entry.containsKey("error"), "no result for " + mp + ": " + entry);
            seen.append(mp).append(' ').append(entry.containsKey("trimmed")
                    ? "trimmed " + entry.get("trimmed") + " B" : "error: " + entry.get("error")).append("; ");
        }
        s.note("guest-fstrim: " + seen);
    }

    private static void footprint(Session s) throws Exception {
        String pid = s.shell().sh("cat /run/e2e/agent.pid");
        String st = s.shell().sh("grep -E '^(VmRSS|VmHWM|Threads):' /proc/" + pid + "/status | tr -s ' \\t' ' '");
        String rss = st.replaceAll("(?s).*VmRSS: (\\d+) kB.*", "$1");
        long kb = Long.parseLong(rss);
        String cds = s.shell().sh("grep -o '[^/]*[.]jsa' /proc/" + pid + "/maps | sort -u | tr '\\n' ' '");
        s.note(st.replace('\n', ',') + " (pid " + pid + ", after " + s.vm().elapsedMillis() / 1000 + " s of VM time)"
                + (cds.isEmpty() ? "" : ", CDS archives mapped: " + cds));
        s.metric("rss", String.format("%.1f MB", kb / 1024.0));
    }

    private static void setTime(Session s) throws Exception {
        long t0 = Json.asLong(s.ok("guest-get-time"));
        long target = t0 + 3600L * 1_000_000_000L;
        boolean changed = false;
        try {
            s.ok("guest-set-time", Map.of("time", target));
            changed = true;
            long t1 = Json.asLong(s.ok("guest-get-time"));
            long guestDate = Long.parseLong(s.shell().sh("date +%s"));
            double offset = (t1 - t0) / 1e9;
            s.note(String.format("get-time after set-time(+3600 s): offset %+.3f s", offset));
            check(Math.abs(t1 - target) < 30_000_000_000L, "guest-get-time " + t1 + " is not near the set " + target);
            check(Math.abs(guestDate - target / 1_000_000_000L) < 30, "the guest's own clock (date) did not move: " + guestDate);
        } finally {
            if (changed) {
                // Put the guest back on the host's clock for the cases that follow.
                s.ok("guest-set-time", Map.of("time", System.currentTimeMillis() * 1_000_000L));
                long back = Json.asLong(s.ok("guest-get-time")) / 1_000_000 - System.currentTimeMillis();
                s.note("restored to host time: " + back + " ms off");
            }
        }
    }

    private static void setMemoryBlocks(Session s) throws Exception {
        int before = Integer.parseInt(s.shell().sh("ls -d /sys/devices/system/memory/memory[0-9]* | wc -l"));
        try {
            s.qmp().execute("object-add", Map.of("qom-type", "memory-backend-ram", "id", "e2emem1", "size", 128L << 20));
            s.qmp().execute("device_add", Map.of("driver", "pc-dimm", "id", "e2edimm1", "memdev", "e2emem1"));
        } catch (IOException e) {
            throw Session.skip("cannot hot-plug a DIMM: " + e.getMessage());
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Integer.parseInt(s.shell().sh("ls -d /sys/devices/system/memory/memory[0-9]* | wc -l")) <= before) {
            if (System.nanoTime() > deadline) {
                throw Session.skip("the guest did not see the hot-plugged DIMM");
            }
            Sleep.millis(500);
        }
        Long found = null;
        for (Object o : s.okList("guest-get-memory-blocks")) {
            Map<?, ?> b = (Map<?, ?>) o;
            if (Boolean.FALSE.equals(b.get("online"))) {
                found = Json.asLong(b.get("phys-index"));
            }
        }
        final Long index = found;
        if (index == null) {
            throw Session.skip("the guest offers no offline (hot-plugged) memory block");
        }
        Object r = s.ok("guest-set-memory-blocks",
                Map.of("mem-blks", List.of(Map.of("phys-index", index, "online", true, "can-offline", true))));
        Map<?, ?> resp = (Map<?, ?>) ((List<?>) r).get(0);
        s.note("block " + index + ": " + Json.write(resp));
        check("success".equals(resp.get("response")), "set-memory-blocks answered " + Json.write(resp));
        String state = s.shell().sh("cat /sys/devices/system/memory/memory" + index + "/state");
        check("online".equals(state), "the guest's block " + index + " is " + state);
        boolean reported = s.okList("guest-get-memory-blocks").stream().map(o -> (Map<?, ?>) o)
                .anyMatch(b -> index.equals(Json.asLong(b.get("phys-index"))) && Boolean.TRUE.equals(b.get("online")));
        check(reported, "guest-get-memory-blocks does not show block " + index + " online");
    }
}
