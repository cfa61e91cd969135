// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class InetTextTest {
    private static String f(String s) throws Exception {
        return InetText.format(InetAddress.getByName(s));
    }

    @Test
    void likeGlibcInetNtop() throws Exception {
        assertEquals("127.0.0.1", f("127.0.0.1"));
        assertEquals("::1", f("::1"));
        assertEquals("::", f("::"));
        assertEquals("fe80::fc:ff:fe00:1", f("fe80:0:0:0:fc:ff:fe00:1"));
        assertEquals("2001:db8::1:0:0:1", f("2001:db8:0:0:1:0:0:1")); // first of equal runs
        assertEquals("2001:db8:0:1:1:1:1:1", f("2001:db8:0:1:1:1:1:1")); // a single zero stays
        assertEquals("1::", f("1:0:0:0:0:0:0:0"));
        assertEquals("::2:3:4:5:6:7", f("0:0:2:3:4:5:6:7"));
        assertEquals("::1.2.3.4", InetText.format(Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, -1)));
        assertEquals("::ffff:1.2.3.4", InetText.format(Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4}, -1)));
        assertEquals("fe80::1", InetText.format(Inet6Address.getByAddress(null,
                new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 2))); // no %scope
    }
}
