// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateways of GET_IP_INFO against what hv_kvp_daemon runs for them, in a private network (and
 * mount, for its own /sys) namespace holding a veth interface with every kind of default route:
 * with and without a gateway, proto boot/static/dhcp/numeric, scope global (with nothing after
 * "default" at all: an empty line), a TOS, a source prefix,
 * IPv6 with and without a gateway, and one in another table. The daemon's commands
 * ({@code ip route show dev d0 | awk '/default/ {print $3 }'} and the inet6 one) and guestd's
 * {@link NetFacts#gateways} must print the same lines. Needs root, unshare and ip (skips otherwise;
 * CI runs as root).
 */
class GatewayFidelityTest {
    private static final String SETUP = String.join("\n",
            "set -e",
            "mount -t sysfs sysfs /sys",
            "ip link set lo up",
            "ip link add d0 type veth peer name d1",
            "ip link set d1 up",
            "ip link set d0 up",
            "ip addr add 198.51.100.2/24 dev d0",
            "ip -6 addr add 2001:db8::2/64 dev d0 nodad",
            "ip route add default via 198.51.100.1 dev d0 metric 10",
            "ip route add default dev d0 metric 20",
            "ip route add default dev d0 proto static metric 30",
            "ip route add default dev d0 proto dhcp src 198.51.100.2 metric 40",
            "ip route add default dev d0 scope global",
            "ip route add default dev d0 scope global metric 50",
            "ip route add default dev d0 scope global src 198.51.100.2 metric 60",
            "ip route add default dev d0 proto 77 metric 70",
            "ip route add default tos 0x28 dev d0 metric 80",
            "ip route add default via 198.51.100.9 dev d0 table 100",
            "ip -6 route add default via 2001:db8::1 dev d0 metric 100",
            "ip -6 route add default dev d0 metric 200",
            "ip -6 route add default dev d0 proto static metric 300",
            "ip -6 route add default from 2001:db8:1::/48 via 2001:db8::1 dev d0 metric 400",
            "ip route show dev d0 | awk '/default/ {print $3 }'",
            "ip -f inet6  route show dev d0 | awk '/default/ {print $3 }'",
            "echo ----",
            "exec \"$@\"");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void gatewaysAreWhatTheDaemonsCommandsPrint() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for unshare -n -m");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/ip"))
                || Files.isExecutable(Path.of("/sbin/ip")), "needs unshare and ip");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("unshare", "-n", "-m", "--propagation", "private", "sh", "-c", SETUP, "gw",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                GatewayProbe.class.getName(), "d0")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        String[] halves = out.split("----\n", -1);
        assertEquals(2, halves.length, out);
        List<String> reference = halves[0].lines().toList();
        List<String> guestd = halves[1].lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertTrue(reference.size() >= 12, "the reference listed the default routes: " + reference);
        assertTrue(reference.contains("link") && reference.contains(""), "gateway-less routes among them: " + reference);
        assertEquals(reference, guestd);
    }
}
