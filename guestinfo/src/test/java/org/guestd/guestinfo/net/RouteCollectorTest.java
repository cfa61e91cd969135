// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.GuestInfo.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteCollectorTest {
    @TempDir
    Path dir;

    /** /proc/net/route of a guest on 192.0.2.0/24 with gateway 192.0.2.1 (kernel format). */
    static final String ROUTE = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"
            + "                                                       \n"
            + "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0                                       "
            + "                      \n"
            + "eth0\t000200C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0                                        "
            + "                     \n";

    /** /proc/net/ipv6_route: fd00::/64 on eth0, the default route via fe80::1, ::1 on lo, a reject route. */
    static final String IPV6_ROUTE =
            "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
                    + "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
            + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                    + "fe800000000000000000000000000001 00000400 00000002 00000005 00450003     eth0\n"
            + "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
                    + "00000000000000000000000000000000 00000000 00000003 00000000 80200001       lo\n"
            + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                    + "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

    @Test
    void bothTablesInKernelOrder() throws Exception {
        FixtureTree t = new FixtureTree(dir).file("proc/net/route", ROUTE).file("proc/net/ipv6_route", IPV6_ROUTE);
        List<Route> l = new RouteCollector(t.paths().proc("net")).collect();
        assertEquals(6, l.size());
        assertEquals(new Route(4, "eth0", "0.0.0.0", 100, "192.0.2.1", "0.0.0.0", 0L, 3L, 0L, 0L, 0L, 0L,
                null, null, null, null), l.get(0));
        assertEquals(new Route(4, "eth0", "192.0.2.0", 100, "0.0.0.0", "255.255.255.0", 0L, 1L, 0L, 0L, 0L, 0L,
                null, null, null, null), l.get(1));
        assertEquals(new Route(6, "eth0", "fd00::", 256, null, null, null, 1L, 1L, 0L, null, null, "64", "::", "0",
                "::"), l.get(2));
        assertEquals(new Route(6, "eth0", "::", 1024, null, null, null, 0x450003L, 2L, 5L, null, null, "0", "::",
                "0", "fe80::1"), l.get(3));
        assertEquals("::1", l.get(4).destination());
        assertEquals("128", l.get(4).destinationPrefixLength());
        assertEquals((long) (int) 0x80200001L, l.get(4).flags(), "flags is an int in qemu: RTF_LOCAL sign-extends");
        assertEquals(-1, l.get(5).metric(), "%x into int");
    }

    @Test
    void negativeIntFlagsBecomeHugeUint64() {
        List<Route> l = RouteCollector.parseIpv6("00000000000000000000000000000001 80 00000000000000000000000000000000"
                + " 00 00000000000000000000000000000000 00000000 00000003 00000000 ffffffff lo\n");
        assertEquals(-1L, l.get(0).flags(), "(uint64_t)(int)-1 = 2^64-1");
    }

    @Test
    void malformedLinesAreSkipped() {
        assertEquals(List.of(), RouteCollector.parseIpv4("header\neth0 0 0 0 0 0 0 0 0 0\n\n"));
        assertEquals(1, RouteCollector.parseIpv4("header\neth0 0 0 0 0 0 0 0 0 0 0 extra\n").size());
        // a destination that is not hex drops the line; a bad next hop is left out
        assertEquals(List.of(), RouteCollector.parseIpv6("zz000000000000000000000000000000 40 "
                + "00000000000000000000000000000000 00 00000000000000000000000000000000 0 0 0 0 eth0\n"));
        Route r = RouteCollector.parseIpv6("fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
                + "zz 0 0 0 0 eth0\n").get(0);
        assertNull(r.nextHop());
        assertEquals("::", r.source());
    }

    @Test
    void addressText() {
        assertEquals("10.0.2.15", RouteCollector.ipv4Text(0x0F02000AL));
        assertEquals("::ffff:192.0.2.1", RouteCollector.ipv6Text("00000000000000000000ffffc0000201"));
        assertNull(RouteCollector.ipv6Text("fd00"));
    }

    @Test
    void aMissingTableFailsTheCommandWithTheFirstError() {
        FixtureTree t = new FixtureTree(dir).file("proc/net/route", ROUTE);
        AgentException e = assertThrows(AgentException.class, () -> new RouteCollector(t.paths().proc("net")).collect());
        assertEquals("open(\"/proc/net/ipv6_route\"): No such file or directory", e.getMessage());
        AgentException e2 = assertThrows(AgentException.class, () -> new RouteCollector(dir.resolve("x")).collect());
        assertEquals("open(\"/proc/net/route\"): No such file or directory", e2.getMessage());
    }
}
