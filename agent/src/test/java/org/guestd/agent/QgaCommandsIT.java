// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.guestd.host.qga.QgaReply;
import org.guestd.qga.QgaService;
import org.junit.jupiter.api.Test;

/**
 * Black-box: every command of this version against {@code bin/guestd -m unix-listen} on this
 * machine, with the values checked against the live machine (read-only commands only) and the
 * reply shapes against qemu-ga 7.2's (qga-protocol.md A.1, transcripts 06–17).
 */
class QgaCommandsIT extends LiveAgentBase {
    /** What this build registers (qga's list; each command group checks its own commands). */
    static final Set<String> IMPLEMENTED = Set.copyOf(QgaService.commandNames());
    /** The foundation's commands, checked one by one below. */
    static final Set<String> FOUNDATION = Set.of("guest-sync", "guest-sync-delimited", "guest-ping", "guest-info",
            "guest-get-osinfo", "guest-get-host-name", "guest-get-timezone", "guest-get-time", "guest-get-vcpus",
            "guest-get-users", "guest-network-get-interfaces", "guest-get-fsinfo", "guest-get-disks",
            "guest-get-diskstats", "guest-get-cpustats", "guest-get-load", "guest-network-get-route",
            "guest-get-devices", "guest-fsfreeze-status", "guest-fsfreeze-freeze", "guest-fsfreeze-freeze-list",
            "guest-fsfreeze-thaw", "guest-fstrim",
            "guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid", "guest-set-time",
            "guest-set-vcpus", "guest-get-memory-blocks", "guest-set-memory-blocks", "guest-get-memory-block-info");
    /** Registered but always disabled on Linux, as in qemu-ga 7.2. */
    static final Set<String> ALWAYS_DISABLED = Set.of("guest-get-devices");
    /** The schema's no-reply commands (never sent here: a live agent would act on this machine). */
    static final Set<String> NO_SUCCESS_RESPONSE = Set.of("guest-shutdown", "guest-suspend-disk", "guest-suspend-ram",
            "guest-suspend-hybrid");

    @Test
    void guestInfoListsEveryImplementedCommandEnabled() throws Exception {
        Map<String, Object> r = client.executeOrThrow("guest-info").returnMap();
        assertEquals(Version.get(), r.get("version"));
        List<?> cmds = (List<?>) r.get("supported_commands");
        Set<String> names = new HashSet<>();
        for (Object o : cmds) {
            Map<String, Object> c = map(o);
            assertEquals(Set.of("name", "enabled", "success-response"), c.keySet());
            assertEquals(!ALWAYS_DISABLED.contains(c.get("name")), c.get("enabled"), c.toString());
            assertEquals(!NO_SUCCESS_RESPONSE.contains(c.get("name")), c.get("success-response"), c.toString());
            names.add((String) c.get("name"));
        }
        assertEquals(IMPLEMENTED, names);
        assertTrue(names.containsAll(FOUNDATION), names.toString());
    }

    @Test
    void syncEchoesAndPingAnswersEmpty() throws Exception {
        assertEquals(42L, client.executeOrThrow("guest-sync", Map.of("id", 42)).returnLong());
        assertEquals(Map.of(), client.executeOrThrow("guest-ping").returnMap());
    }

    @Test
    void osinfoIsThisMachine() throws Exception {
        Map<String, Object> r = client.executeOrThrow("guest-get-osinfo").returnMap();
        assertEquals(read("/proc/sys/kernel/osrelease"), r.get("kernel-release"));
        assertEquals(read("/proc/sys/kernel/version"), r.get("kernel-version"));
        assertEquals(run("uname", "-m"), r.get("machine"));
        Map<String, String> osr = osRelease(Path.of("/etc/os-release"));
        assertEquals(osr.get("ID"), r.get("id"));
        assertEquals(osr.get("PRETTY_NAME"), r.get("pretty-name"));
        assertEquals(osr.get("VERSION_ID"), r.get("version-id"));
    }

    @Test
    void hostNameTimeAndTimezone() throws Exception {
        assertEquals(read("/proc/sys/kernel/hostname"), client.executeOrThrow("guest-get-host-name").returnMap().get("host-name"));
        long t = client.executeOrThrow("guest-get-time").returnLong();
        assertEquals(0, t % 1000, "qemu-ga reports microseconds in ns units");
        assertTrue(Math.abs(t / 1_000_000 - System.currentTimeMillis()) < 60_000, "time is now: " + t);
        Map<String, Object> tz = client.executeOrThrow("guest-get-timezone").returnMap();
        int offset = TimeZone.getDefault().getOffset(System.currentTimeMillis()) / 1000;
        assertEquals((long) offset, tz.get("offset"));
        assertTrue(tz.containsKey("zone"), tz.toString());
    }

    @Test
    void vcpusAreSysfsCpus() throws Exception {
        List<?> l = client.executeOrThrow("guest-get-vcpus").returnList();
        Set<Long> ids = new TreeSet<>();
        for (Object o : l) {
            ids.add((Long) map(o).get("logical-id"));
            assertTrue(map(o).containsKey("online"));
        }
        Set<Long> expected = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/devices/system/cpu"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("cpu[0-9]+"))
                    .forEach(n -> expected.add(Long.parseLong(n.substring(3))));
        }
        assertEquals(expected, ids);
    }

    @Test
    void usersIsAList() throws Exception {
        assertTrue(client.executeOrThrow("guest-get-users").returnValue() instanceof List);
    }

    @Test
    void interfacesAndAddressesMatchIp() throws Exception {
        List<?> l = client.executeOrThrow("guest-network-get-interfaces").returnList();
        Set<String> names = new TreeSet<>();
        Set<String> addrs = new TreeSet<>();
        for (Object o : l) {
            Map<String, Object> i = map(o);
            names.add((String) i.get("name"));
            for (Object a : (List<?>) i.getOrDefault("ip-addresses", List.of())) {
                Map<String, Object> m = map(a);
                addrs.add(i.get("name") + " " + m.get("ip-address") + "/" + m.get("prefix") + " " + m.get("ip-address-type"));
            }
        }
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            assertEquals(s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)), names);
        }
        Set<String> fromIp = new TreeSet<>();
        Matcher m = Pattern.compile("^\\d+: (\\S+)\\s+(inet6?) ([0-9a-f.:]+)/(\\d+)", Pattern.MULTILINE)
                .matcher(run("ip", "-o", "addr"));
        while (m.find()) {
            fromIp.add(m.group(1) + " " + m.group(3) + "/" + m.group(4) + " " + (m.group(2).equals("inet") ? "ipv4" : "ipv6"));
        }
        assertEquals(fromIp, addrs);
    }

    @Test
    void fsinfoListsBlockDeviceMounts() throws Exception {
        List<?> l = client.executeOrThrow("guest-get-fsinfo").returnList();
        Set<String> mounts = new TreeSet<>();
        for (Object o : l) {
            Map<String, Object> f = map(o);
            assertTrue(f.keySet().containsAll(Set.of("name", "mountpoint", "type", "disk")), f.toString());
            mounts.add((String) f.get("mountpoint"));
        }
        Set<String> expected = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] p = line.split(" ");
            if (!p[2].startsWith("0:")) {
                expected.add(p[4].replace("\\040", " "));
            }
        }
        assertEquals(expected, mounts);
    }

    @Test
    void everyQemuCommandIsRegisteredAndAnUnknownOneIsNotFound() throws Exception {
        // all 44 of qemu-ga's commands are registered (guest-get-devices disabled, as 7.2 on Linux), plus
        // guestd's one downstream extension
        List<String> names = QgaService.commandNames();
        assertEquals(44, names.stream().filter(n -> n.startsWith("guest-")).count());
        assertEquals(List.of("__org.guestd_guest-get-memory-stats"), names.stream().filter(n -> n.startsWith("__")).toList());
        // never send a power, clock or sysfs-writing command to a live agent: an unknown name instead
        QgaReply r = client.execute("guest-no-such-command");
        assertEquals("CommandNotFound", r.errorClass());
        assertEquals("The command guest-no-such-command has not been found", r.errorDesc());
    }

    static String read(String path) throws IOException {
        return Files.readString(Path.of(path)).strip();
    }

    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    static Map<String, String> osRelease(Path p) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(p)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1);
                if (v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                m.put(line.substring(0, eq), v);
            }
        }
        assertFalse(m.isEmpty());
        return m;
    }
}
