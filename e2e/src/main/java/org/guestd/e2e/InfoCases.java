// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.guestd.e2e.Session.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.guestd.core.json.Json;

/**
 * The conformance cases that make sense over a real port, each compared with the guest's own view
 * (read through the control shell) so an answer describing the host would fail.
 */
final class InfoCases {

    private InfoCases() {
    }

    static List<Case> all() {
        return List.of(
                new Case("sync", InfoCases::sync),
                new Case("ping", s -> check(Map.of().equals(s.ok("guest-ping")), "guest-ping did not return {}")),
                new Case("info", InfoCases::info),
                new Case("osinfo", InfoCases::osinfo),
                new Case("host-name", InfoCases::hostName),
                new Case("timezone", InfoCases::timezone),
                new Case("get-time", InfoCases::getTime),
                new Case("vcpus", InfoCases::vcpus),
                new Case("users", s -> check(s.okList("guest-get-users").isEmpty(),
                        "guest-get-users is not empty but the guest has no utmp entries")),
                new Case("interfaces", InfoCases::interfaces),
                new Case("fsinfo", InfoCases::fsinfo),
                new Case("memory-blocks", InfoCases::memoryBlocks));
    }

    private static void sync(Session s) throws Exception {
        long id = s.qga().sync();
        s.note("guest-sync-delimited id " + id);
        check(Long.valueOf(424242L).equals(Json.asLong(s.ok("guest-sync", Map.of("id", 424242L)))),
                "guest-sync did not echo its id");
    }

    private static void info(Session s) throws Exception {
        Map<String, Object> info = s.okMap("guest-info");
        check(info.get("version") instanceof String && !((String) info.get("version")).isEmpty(), "no version");
        Set<String> enabled = new TreeSet<>();
        for (Object o : (List<?>) info.get("supported_commands")) {
            Map<?, ?> c = (Map<?, ?>) o;
            if (Boolean.TRUE.equals(c.get("enabled"))) {
                enabled.add((String) c.get("name"));
            }
        }
        check(enabled.containsAll(Set.of("guest-sync", "guest-sync-delimited", "guest-ping", "guest-info")),
                "core commands missing from guest-info: " + enabled);
        s.note("version " + info.get("version") + ", " + enabled.size() + " commands enabled");
    }

    private static void osinfo(Session s) throws Exception {
        Map<String, Object> os = s.okMap("guest-get-osinfo");
        String release = s.shell().sh("uname -r");
        check("guestd-e2e".equals(os.get("id")), "id " + os.get("id") + " is not the guest's os-release ID");
        check(release.equals(os.get("kernel-release")), "kernel-release " + os.get("kernel-release")
                + " is not the guest's " + release);
        check(s.shell().sh("uname -v").equals(os.get("kernel-version")), "kernel-version differs from uname -v");
        check("x86_64".equals(os.get("machine")), "machine " + os.get("machine"));
        s.note(os.get("pretty-name") + ", kernel " + release);
    }

    private static void hostName(Session s) throws Exception {
        Map<String, Object> h = s.okMap("guest-get-host-name");
        check("e2e-guest".equals(h.get("host-name")), "host-name " + h.get("host-name") + " is not the guest's");
    }

    private static void timezone(Session s) throws Exception {
        Map<String, Object> tz = s.okMap("guest-get-timezone");
        // The guest's /etc/localtime is Europe/Paris; busybox date prints the zone and offset it applies.
        String[] guest = s.shell().sh("date +'%Z %z'").split(" ");
        int sign = guest[1].startsWith("-") ? -1 : 1;
        long offset = sign * (Long.parseLong(guest[1].substring(1, 3)) * 3600 + Long.parseLong(guest[1].substring(3, 5)) * 60);
        check(Long.valueOf(offset).equals(Json.asLong(tz.get("offset"))),
                "offset " + tz.get("offset") + " is not the guest's " + offset);
        check(guest[0].equals(tz.get("zone")), "zone " + tz.get("zone") + " is not the guest's " + guest[0]);
        s.note(tz.get("zone") + " " + tz.get("offset"));
    }

    private static void getTime(Session s) throws Exception {
        long before = Long.parseLong(s.shell().sh("date +%s"));
        long ns = Json.asLong(s.ok("guest-get-time"));
        long after = Long.parseLong(s.shell().sh("date +%s"));
        check(ns / 1_000_000_000L >= before - 1 && ns / 1_000_000_000L <= after + 1,
                "guest-get-time " + ns + " is outside the guest's clock [" + before + ", " + after + "]");
        s.note("guest clock - host clock: " + (ns / 1_000_000 - System.currentTimeMillis()) + " ms");
    }

    private static void vcpus(Session s) throws Exception {
        List<Object> cpus = s.okList("guest-get-vcpus");
        int guest = Integer.parseInt(s.shell().sh("ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l"));
        check(cpus.size() == guest && guest == Vm.VCPUS, cpus.size() + " vCPUs reported, the guest has " + guest);
        for (Object o : cpus) {
            check(Boolean.TRUE.equals(((Map<?, ?>) o).get("online")), "offline vCPU reported: " + o);
        }
    }

    private static void interfaces(Session s) throws Exception {
        List<Object> ifs = s.okList("guest-network-get-interfaces");
        Set<String> names = new TreeSet<>();
        List<String> lo = new ArrayList<>();
        for (Object o : ifs) {
            Map<?, ?> i = (Map<?, ?>) o;
            names.add((String) i.get("name"));
            if ("lo".equals(i.get("name")) && i.get("ip-addresses") instanceof List) {
                for (Object a : (List<?>) i.get("ip-addresses")) {
                    lo.add(String.valueOf(((Map<?, ?>) a).get("ip-address")));
                }
            }
        }
        Set<String> guest = new TreeSet<>(List.of(s.shell().sh("ls /sys/class/net").split("\\s+")));
        check(names.equals(guest), "interfaces " + names + " are not the guest's " + guest);
        check(lo.contains("127.0.0.1"), "lo lacks 127.0.0.1: " + lo);
        s.note(names + ", lo " + lo);
    }

    private static void fsinfo(Session s) throws Exception {
        List<Object> fs = s.okList("guest-get-fsinfo");
        Set<String> seen = new TreeSet<>();
        for (Object o : fs) {
            Map<?, ?> f = (Map<?, ?>) o;
            String mp = (String) f.get("mountpoint");
            seen.add(mp + ":" + f.get("type"));
            if (mp.startsWith("/mnt/")) {
                List<?> disks = (List<?>) f.get("disk");
                check(disks != null && !disks.isEmpty(), mp + " has no disk");
                Map<?, ?> d = (Map<?, ?>) disks.get(0);
                check("virtio".equals(d.get("bus-type")), mp + " bus-type " + d.get("bus-type"));
                check(Json.asLong(f.get("total-bytes")) != null && Json.asLong(f.get("total-bytes")) > 0,
                        mp + " has no total-bytes");
            }
        }
        check(seen.equals(Set.of("/mnt/ext4:ext4", "/mnt/xfs:xfs")),
                "filesystems " + seen + " are not the guest's /mnt/ext4 (ext4) and /mnt/xfs (xfs)");
        s.note(String.valueOf(seen));
    }

    private static void memoryBlocks(Session s) throws Exception {
        List<Object> blocks = s.okList("guest-get-memory-blocks");
        long size = Json.asLong(s.okMap("guest-get-memory-block-info").get("size"));
        long online = blocks.stream().filter(b -> Boolean.TRUE.equals(((Map<?, ?>) b).get("online"))).count();
        int guest = Integer.parseInt(s.shell().sh("ls -d /sys/devices/system/memory/memory[0-9]* | wc -l"));
        check(blocks.size() == guest, blocks.size() + " blocks reported, the guest has " + guest);
        check(size == Long.decode("0x" + s.shell().sh("cat /sys/devices/system/memory/block_size_bytes")),
                "block size " + size + " differs from the guest's");
        check(online * size == (long) Vm.MEMORY_MIB << 20, online + " online blocks of " + size
                + " bytes are not the guest's " + Vm.MEMORY_MIB + " MiB");
        s.note(blocks.size() + " blocks of " + (size >> 20) + " MiB, " + online + " online");
    }
}
