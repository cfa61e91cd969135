// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.FakeProbes;
import org.guestd.guestinfo.GuestInfo.IpAddress;
import org.guestd.guestinfo.GuestInfo.NetInterface;
import org.guestd.guestinfo.GuestInfo.NetStats;
import org.guestd.guestinfo.util.SysfsTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkCollectorTest {
    static final String NET_DEV = "Inter-|   Receive                                                |  Transmit\n"
            + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
            + "    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0\n"
            + "  ifb0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n"
            + "  ifb1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n"
            + "  eth0: 284707704    6311    0    0    0     0          0         0   412283    3972    0    0    0     0       0          0\n"
            + "   wg0:     100       2    1    3    0     0          0         0      200       4    5    6    0     0       0          0\n";

    @TempDir
    Path dir;
    FixtureTree t;
    FakeProbes probes;

    private void link(String name, int ifindex, String address) {
        t.file("sys/devices/" + (name.equals("eth0") ? "pci0000:00/0000:00:03.0/virtio0/net/" : "virtual/net/")
                + name + "/ifindex", ifindex + "\n");
        t.file("sys/devices/" + (name.equals("eth0") ? "pci0000:00/0000:00:03.0/virtio0/net/" : "virtual/net/")
                + name + "/address", address + "\n");
        t.symlink("sys/class/net/" + name, "../../devices/"
                + (name.equals("eth0") ? "pci0000:00/0000:00:03.0/virtio0/net/" : "virtual/net/") + name);
    }

    @BeforeEach
    void transcript11Machine() {
        t = new FixtureTree(dir);
        link("lo", 1, "00:00:00:00:00:00");
        link("ifb0", 2, "16:44:00:44:aa:04");
        link("ifb1", 3, "86:54:3d:0b:62:af");
        link("eth0", 4, "02:fc:00:00:00:01");
        t.file("proc/net/dev", NET_DEV);
        probes = new FakeProbes()
                .address("lo", "127.0.0.1", 8)
                .address("eth0", "192.0.2.2", 24)
                .address("lo", "::1", 128)
                .address("eth0", "fd00::2", 64)
                .address("eth0", "fe80::fc:ff:fe00:1", 64);
    }

    private List<NetInterface> collect() throws AgentException {
        return new NetworkCollector(new SysfsTree(t.paths().sys()), t.paths().proc("net/dev"), probes).collect();
    }

    private static String texts(NetInterface i) {
        return i.addresses() == null ? null
                : i.addresses().stream().map(a -> a.text() + "/" + a.prefix()).collect(Collectors.joining(" "));
    }

    @Test
    void reproducesTranscript11() throws AgentException {
        List<NetInterface> l = collect();
        assertEquals(List.of("lo", "ifb0", "ifb1", "eth0"), l.stream().map(NetInterface::name).toList());
        NetInterface lo = l.get(0);
        assertEquals("00:00:00:00:00:00", lo.hardwareAddress());
        assertEquals("127.0.0.1/8 ::1/128", texts(lo));
        assertEquals(new NetStats(3193, 29, 0, 0, 3193, 29, 0, 0), lo.stats());
        NetInterface ifb0 = l.get(1);
        assertEquals("16:44:00:44:aa:04", ifb0.hardwareAddress());
        assertNull(ifb0.addresses()); // no address: neither ip-addresses nor statistics
        assertNull(ifb0.stats());
        NetInterface eth0 = l.get(3);
        assertEquals("02:fc:00:00:00:01", eth0.hardwareAddress());
        assertEquals("192.0.2.2/24 fd00::2/64 fe80::fc:ff:fe00:1/64", texts(eth0));
        assertEquals(new NetStats(284707704, 6311, 0, 0, 412283, 3972, 0, 0), eth0.stats());
        assertEquals(List.of(false, true, true), eth0.addresses().stream().map(IpAddress::isIpv6).toList());
    }

    @Test
    void linksAreOrderedByIfindexAndLabelsBecomeInterfaces() throws AgentException {
        link("wg0", 5, ""); // addr_len 0: the kernel answers SIOCGIFHWADDR with zeros
        t.file("sys/class/net/tun1/ifindex", "0x\n"); // unparsable: sorted last
        probes.address("eth0:1", "198.51.100.7", 32) // an IPv4 label
                .address("ghost", "203.0.113.1", 24) // a label with no link at all
                .address("wg0", "fd42::1", 128)
                .address("wg0", "fd42::2", 64)
                .address("wg0", "2001:db8::1:0:0:1", 48);
        List<NetInterface> l = collect();
        assertEquals(List.of("lo", "ifb0", "ifb1", "eth0", "wg0", "tun1", "eth0:1", "ghost"),
                l.stream().map(NetInterface::name).toList());
        NetInterface wg = l.get(4);
        assertEquals("00:00:00:00:00:00", wg.hardwareAddress());
        assertEquals("fd42::1/128 fd42::2/64 2001:db8::1:0:0:1/48", texts(wg));
        assertEquals(new NetStats(100, 2, 1, 3, 200, 4, 5, 6), wg.stats());
        NetInterface alias = l.get(6);
        assertEquals("02:fc:00:00:00:01", alias.hardwareAddress()); // SIOCGIFHWADDR cuts at ':'
        assertEquals("198.51.100.7/32", texts(alias));
        assertNull(alias.stats()); // /proc/net/dev has no "eth0:1" line
        assertNull(l.get(7).hardwareAddress());
        assertNull(l.get(5).addresses());
    }

    @Test
    void noProcNetDevMeansNoStatistics() throws AgentException {
        t.file("proc/net/dev", "garbage\n");
        assertNull(collect().get(0).stats());
    }

    @Test
    void getifaddrsFailure() {
        probes.addressesFailure = new IOException("Too many open files");
        AgentException e = assertThrows(AgentException.class, this::collect);
        assertEquals("getifaddrs failed: Too many open files", e.getMessage());
    }

    @Test
    void macFormatting() {
        assertEquals("00:00:00:00:00:00", NetworkCollector.formatMac("\n"));
        assertEquals("c0:00:02:02:00:00", NetworkCollector.formatMac("c0:00:02:02\n")); // addr_len 4
        assertEquals("80:00:02:08:fe:80", NetworkCollector.formatMac(
                "80:00:02:08:fe:80:00:00:00:00:00:00:52:54:00:12:34:56:00:00\n")); // infiniband: first 6
        assertNull(NetworkCollector.formatMac("zz:00\n"));
    }
}
