// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guestd.core.facts.InterfaceFact;
import org.guestd.core.facts.VolumeFact;
import org.guestd.core.testing.FixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facts GuestFacts makes of GuestInfo's records, with the Xen bus nodes from a sysfs laid out as the kernel's. */
class GuestFactsTest {

    /** A Xen PV disk xvda (vbd 51712) with partition xvda1, and a vif eth0, as sysfs links them. */
    private static FixtureTree xenSysfs(Path root) {
        return new FixtureTree(root)
                .file("sys/devices/vbd-51712/nodename", "device/vbd/51712\n")
                .file("sys/devices/vbd-51712/block/xvda/xvda1/partition", "1\n")
                .symlink("sys/devices/vbd-51712/block/xvda/device", "../../../vbd-51712")
                .symlink("sys/class/block/xvda", "../../devices/vbd-51712/block/xvda")
                .symlink("sys/class/block/xvda1", "../../devices/vbd-51712/block/xvda/xvda1")
                .file("sys/devices/vif-0/nodename", "device/vif/0\n")
                .symlink("sys/devices/vif-0/net/eth0/device", "../../../vif-0")
                .symlink("sys/class/net/eth0", "../../devices/vif-0/net/eth0")
                .mkdirs("sys/devices/virtual/net/lo")
                .symlink("sys/class/net/lo", "../../devices/virtual/net/lo")
                .mkdirs("sys/devices/virtual/block/dm-0")
                .symlink("sys/class/block/dm-0", "../../devices/virtual/block/dm-0");
    }

    @Test
    void volumesCarryTheirDisksBusNode(@TempDir Path tmp) {
        FixtureTree t = xenSysfs(tmp);
        Map<String, VolumeFact> v = GuestFacts.volumes(List.of(
                new GuestInfo.Filesystem("xvda1", "/", "ext4", 100L, 1000L, 1100L, List.of()),
                new GuestInfo.Filesystem("xvda", "/mnt/whole", "xfs", null, null, null, List.of()),
                new GuestInfo.Filesystem("dm-0", "/srv", "ext4", 1L, 2L, 3L, List.of())), t.paths());
        assertEquals(new VolumeFact("/dev/xvda1", "/", "ext4", 1100, 900, "device/vbd/51712"), v.get("/"));
        assertEquals(new VolumeFact("/dev/xvda", "/mnt/whole", "xfs", -1, -1, "device/vbd/51712"), v.get("/mnt/whole"));
        assertNull(v.get("/srv").busNode(), "a device-mapper volume is on no bus node");
        assertNull(GuestFacts.diskBusNode(t.paths(), "../xvda"), "a name with a path is refused");
    }

    @Test
    void interfacesCarryTheirVifNode(@TempDir Path tmp) throws Exception {
        FixtureTree t = xenSysfs(tmp);
        Map<String, InterfaceFact> f = GuestFacts.interfaces(List.of(
                new GuestInfo.NetInterface("eth0", "00:16:3e:00:00:10", List.of(
                        new GuestInfo.IpAddress(InetAddress.getByName("192.0.2.10"), 24),
                        new GuestInfo.IpAddress(InetAddress.getByName("2001:db8::10"), 64)), null),
                new GuestInfo.NetInterface("lo", null, List.of(
                        new GuestInfo.IpAddress(InetAddress.getByName("127.0.0.1"), 8)), null)), t.paths());
        assertEquals(new InterfaceFact("eth0", "00:16:3e:00:00:10", "device/vif/0", List.of("192.0.2.10"),
                List.of("2001:db8::10")), f.get("eth0"));
        assertNull(f.get("lo").busNode());
    }
}
