// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link Netlink#addresses()} against {@code ip -o addr} on this machine. */
@EnabledOnOs(OS.LINUX)
class NetlinkLiveTest {
    private record Row(int ifindex, String dev, InetAddress address, int prefix) {}

    @Test
    void matchesIpAddr() throws Exception {
        String ip = findIp();
        assumeTrue(ip != null, "the ip command (iproute2) is not installed");
        Process p = new ProcessBuilder(ip, "-o", "addr", "show").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor() == 0, "ip -o addr failed: " + text);

        List<Row> expected = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] t = line.trim().split("\\s+");
            if (t.length < 4 || !(t[2].equals("inet") || t[2].equals("inet6"))) {
                continue;
            }
            String addr = t[3];
            String prefixText = addr.contains("/") ? addr.substring(addr.indexOf('/') + 1) : null;
            if (prefixText == null && t.length > 5 && t[4].equals("peer")) {
                prefixText = t[5].substring(t[5].indexOf('/') + 1);
            }
            String local = addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr;
            String dev = t[1].contains("@") ? t[1].substring(0, t[1].indexOf('@')) : t[1];
            expected.add(new Row(Integer.parseInt(t[0].replace(":", "")), dev, InetAddress.getByName(local),
                    prefixText == null ? -1 : Integer.parseInt(prefixText)));
        }
        List<IfAddr> actual = Netlink.addresses();
        assertFalse(actual.isEmpty());

        // ip groups by link; the kernel dump is family by family. Same rows, same order per (link, family).
        assertEquals(groups(expected), groups(actual.stream().map(a -> new Row(a.ifindex(),
                a.ifname().contains(":") ? nameOf(a.ifindex()) : a.ifname(), a.address(), a.prefixLength()))
                .toList()));
    }

    private static String nameOf(int index) {
        try {
            return Posix.ifIndexToName(index);
        } catch (NativeException e) {
            return "?";
        }
    }

    private static Map<String, List<Row>> groups(List<Row> rows) {
        Map<String, List<Row>> m = new LinkedHashMap<>();
        for (Row r : rows) {
            m.computeIfAbsent(r.ifindex() + "/" + r.address().getAddress().length, k -> new ArrayList<>()).add(r);
        }
        return new TreeMap<>(m);
    }

    private static String findIp() {
        for (String d : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            if (Files.isExecutable(Path.of(d, "ip"))) {
                return d + "/ip";
            }
        }
        return null;
    }
}
