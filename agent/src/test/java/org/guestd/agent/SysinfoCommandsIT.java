// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.guestd.host.qga.QgaReply;
import org.junit.jupiter.api.Test;

/**
 * Black-box: the system information commands of {@code bin/guestd} against this machine's own
 * /proc and /sys (read-only).
 */
class SysinfoCommandsIT extends LiveAgentBase {
    @Test
    void diskstatsHasEveryLineOfProcDiskstats() throws Exception {
        List<String> expected = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
            expected.add(line.trim().split("\\s+")[2]);
        }
        List<String> names = new ArrayList<>();
        for (Object o : client.executeOrThrow("guest-get-diskstats").returnList()) {
            names.add((String) map(o).get("name"));
            assertTrue(map(o).keySet().containsAll(Set.of("name", "major", "minor", "stats")), o.toString());
        }
        assertEquals(expected, names);
    }

    @Test
    void cpustatsHasOneEntryPerCpuLine() throws Exception {
        long cpus = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        List<?> l = client.executeOrThrow("guest-get-cpustats").returnList();
        assertEquals(cpus, l.size());
        for (Object o : l) {
            assertEquals("linux", map(o).get("type"));
            assertTrue(map(o).keySet().containsAll(Set.of("cpu", "user", "nice", "system", "idle")), o.toString());
        }
    }

    @Test
    void disksAreTheNonEmptyBlockDevicesAndTheirPartitions() throws Exception {
        Set<String> expected = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            for (Path d : (Iterable<Path>) s::iterator) {
                if (!Files.readString(d.resolve("size")).equals("0\n")) {
                    String name = d.getFileName().toString();
                    expected.add("/dev/" + name);
                    try (Stream<Path> parts = Files.list(d)) {
                        parts.map(p -> p.getFileName().toString())
                                .filter(n -> n.matches(Pattern.quote(name) + "p?\\d.*")
                                        && Files.exists(d.resolve(n).resolve("partition")))
                                .forEach(n -> expected.add("/dev/" + n));
                    }
                }
            }
        }
        Set<String> names = new TreeSet<>();
        for (Object o : client.executeOrThrow("guest-get-disks").returnList()) {
            names.add((String) map(o).get("name"));
        }
        assertEquals(expected, names);
    }

    @Test
    void loadRoutesAndDevices() throws Exception {
        assertEquals(Set.of("load1m", "load5m", "load15m"),
                client.executeOrThrow("guest-get-load").returnMap().keySet());
        long v4 = Files.readAllLines(Path.of("/proc/net/route")).size() - 1;
        QgaReply routes = client.execute("guest-network-get-route");
        if (Files.exists(Path.of("/proc/net/ipv6_route"))) {
            assertEquals(v4 + Files.readAllLines(Path.of("/proc/net/ipv6_route")).size(), routes.returnList().size());
        } else { // IPv6 disabled: qemu fails the whole command
            assertEquals("open(\"/proc/net/ipv6_route\"): No such file or directory", routes.errorDesc());
        }
        QgaReply dev = client.execute("guest-get-devices");
        assertEquals("CommandNotFound", dev.errorClass());
        assertEquals("Command guest-get-devices has been disabled", dev.errorDesc());
    }
}
