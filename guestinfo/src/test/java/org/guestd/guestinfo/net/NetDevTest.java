// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.guestd.guestinfo.GuestInfo.NetStats;
import org.junit.jupiter.api.Test;

class NetDevTest {
    @Test
    void exactNameBeforeTheFirstColon() {
        String c = NetworkCollectorTest.NET_DEV;
        assertEquals(new NetStats(0, 0, 0, 0, 0, 0, 0, 0), NetDev.find(c, "ifb1"));
        assertNull(NetDev.find(c, "eth"));
        assertNull(NetDev.find(c, "th0"));
        assertNull(NetDev.find(c, "face |bytes"));
        assertEquals(List.of("lo", "ifb0", "ifb1", "eth0", "wg0"), NetDev.names(c));
    }

    @Test
    void shortLinesAreSkippedAndHugeNumbersSaturate() {
        String c = "x: 1 2 3\n"
                + "x: 99999999999999999999 1 2 3 0 0 0 0 18446744073709551615 5 6 7 0 0 0 0\n";
        assertEquals(new NetStats(Long.MAX_VALUE, 1, 2, 3, Long.MAX_VALUE, 5, 6, 7), NetDev.find(c, "x"));
    }
}
