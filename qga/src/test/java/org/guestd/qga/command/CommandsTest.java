// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FakeClock;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.testing.FakeGuestInfo;
import org.junit.jupiter.api.Test;

class CommandsTest {
    private final FakeGuestInfo info = new FakeGuestInfo();
    private final FakeClock clock = new FakeClock(0);

    private String run(String command) throws AgentException {
        Dispatcher d = QgaService.newDispatcher(QgaFeatures.of(info, clock), "v", ConfigSection.empty("general"));
        byte[] b = d.dispatch(JsonReader.parse("{\"execute\": \"" + command + "\"}")).encode();
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void interfacePresenceRules() throws Exception {
        info.interfaces = List.of(
                new GuestInfo.NetInterface("tun0", null, List.of(FakeGuestInfo.ip("10.0.0.1", 32)), null),
                new GuestInfo.NetInterface("dummy", null, null, new GuestInfo.NetStats(1, 1, 1, 1, 1, 1, 1, 1)),
                new GuestInfo.NetInterface("big", "aa:bb:cc:dd:ee:ff", List.of(FakeGuestInfo.ip("::1", 128)),
                        new GuestInfo.NetStats(-1, 0, 0, 0, 0, 0, 0, 0)));
        assertEquals("{\"return\": [{\"name\": \"tun0\", \"ip-addresses\": [{\"ip-address-type\": \"ipv4\", "
                + "\"ip-address\": \"10.0.0.1\", \"prefix\": 32}]}, {\"name\": \"dummy\"}, {\"name\": \"big\", "
                + "\"ip-addresses\": [{\"ip-address-type\": \"ipv6\", \"ip-address\": \"::1\", \"prefix\": 128}], "
                + "\"statistics\": {\"tx-packets\": 0, \"tx-errs\": 0, \"rx-bytes\": 18446744073709551615, "
                + "\"rx-dropped\": 0, \"rx-packets\": 0, \"rx-errs\": 0, \"tx-bytes\": 0, \"tx-dropped\": 0}, "
                + "\"hardware-address\": \"aa:bb:cc:dd:ee:ff\"}]}\n", run("guest-network-get-interfaces"));
    }

    @Test
    void fsinfoOptionalMembers() throws Exception {
        info.filesystems = List.of(
                new GuestInfo.Filesystem("dm-0", "/srv", "xfs", 1L, 3L, 4L, List.of(
                        new GuestInfo.DiskAddress(-1, -1, -1, -1, "scsi", 0, 1, 2, null, "QM0001"))),
                new GuestInfo.Filesystem("sr0", "/media", "iso9660", null, null, null, List.of()));
        String out = run("guest-get-fsinfo");
        List<?> l = (List<?>) ((Map<?, ?>) JsonReader.parse(out.strip())).get("return");
        Map<?, ?> first = (Map<?, ?>) l.get(0);
        assertEquals(4L, first.get("total-bytes-privileged"));
        assertEquals(Set.of("name", "mountpoint", "type", "used-bytes", "total-bytes",
                "total-bytes-privileged", "disk"), first.keySet());
        Map<?, ?> disk = (Map<?, ?>) ((List<?>) first.get("disk")).get(0);
        assertEquals(Set.of("pci-controller", "bus-type", "bus", "target", "unit", "serial"), disk.keySet());
        assertEquals(-1L, ((Map<?, ?>) disk.get("pci-controller")).get("domain"));
        assertEquals(Set.of("name", "mountpoint", "type", "disk"), ((Map<?, ?>) l.get(1)).keySet());
    }

    @Test
    void smallCommands() throws Exception {
        info.timeZone = new GuestInfo.TimeZoneInfo(null, 3600);
        assertEquals("{\"return\": {\"offset\": 3600}}\n", run("guest-get-timezone"));
        info.os = new GuestInfo.OsInfo("6.1.0", null, "aarch64", null, null, null, null, null, "Server", "server");
        assertEquals("{\"return\": {\"kernel-release\": \"6.1.0\", \"variant\": \"Server\", \"variant-id\": \"server\", "
                + "\"machine\": \"aarch64\"}}\n", run("guest-get-osinfo"));
        info.users = List.of(new GuestInfo.LoginUser("root", 1700000000.123456));
        assertEquals("{\"return\": [{\"login-time\": 1700000000.123456, \"user\": \"root\"}]}\n", run("guest-get-users"));
        clock.setRealtimeNanos(1_999_999L);
        assertEquals("{\"return\": 1999000}\n", run("guest-get-time"));
        clock.setRealtimeNanos(-1L);
        assertEquals("{\"return\": -1000}\n", run("guest-get-time"), "g_get_real_time floors");
        info.hostName = "h\u00e9";
        assertEquals("{\"return\": {\"host-name\": \"h\\u00E9\"}}\n", run("guest-get-host-name"));
    }

    @Test
    void guestInfoErrorsReachTheHost() throws Exception {
        info.failure = AgentException.generic("failed to open file '/etc/os-release': No such file or directory");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"failed to open file '/etc/os-release': "
                + "No such file or directory\"}}\n", run("guest-get-osinfo"));
        info.failure = AgentException.unsupported();
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"this feature or command is not currently "
                + "supported\"}}\n", run("guest-get-vcpus"));
    }

    @Test
    void disksOptionalMembersAndSmart() throws Exception {
        GuestInfo.U128 big = new GuestInfo.U128(-1, 2);
        GuestInfo.U128 zero = new GuestInfo.U128(0, 0);
        info.blockDevices = List.of(
                new GuestInfo.BlockDevice("/dev/dm-0", false, List.of("/dev/vda2"), null, "vg-root", null),
                new GuestInfo.BlockDevice("/dev/nvme0n1", false, null,
                        new GuestInfo.DiskAddress(0, 0, 9, 0, "nvme", 0, 0, 0, "/dev/nvme0n1", null), null,
                        new GuestInfo.NvmeSmart(0, 310, 100, 10, 1, big, zero, zero, zero, zero, zero, zero, zero,
                                zero, zero)));
        List<?> l = (List<?>) ((Map<?, ?>) JsonReader.parse(run("guest-get-disks").strip())).get("return");
        assertEquals(Map.of("name", "/dev/dm-0", "partition", false, "dependencies", List.of("/dev/vda2"),
                "alias", "vg-root"), l.get(0));
        Map<?, ?> nvme = (Map<?, ?>) l.get(1);
        assertEquals(Set.of("name", "partition", "address", "smart"), nvme.keySet());
        Map<?, ?> smart = (Map<?, ?>) nvme.get("smart");
        assertEquals(26, smart.size(), "type + 5 small members + 10 lo/hi pairs");
        assertEquals("nvme", smart.get("type"));
        assertEquals(310L, smart.get("temperature"));
        assertEquals(new BigInteger("18446744073709551615"), smart.get("data-units-read-lo"));
        assertEquals(2L, smart.get("data-units-read-hi"));
        assertEquals(0L, smart.get("number-of-error-log-entries-hi"));
    }

    @Test
    void statsOptionalMembers() throws Exception {
        info.diskStats = List.of(new GuestInfo.DiskStats("hda1", 3, 1, new GuestInfo.IoCounters(1L, null, 2L, null,
                3L, null, 4L, null, null, null, null, null, null, null, null, null, null)));
        assertEquals("{\"return\": [{\"name\": \"hda1\", \"stats\": {\"write-ios\": 3, \"read-ios\": 1, "
                + "\"write-sectors\": 4, \"read-sectors\": 2}, \"minor\": 1, \"major\": 3}]}\n", run("guest-get-diskstats"));
        info.cpuStats = List.of(new GuestInfo.CpuStats(3, 1, 2, 3, -1, null, null, null, null, null, null));
        assertEquals("{\"return\": [{\"cpu\": 3, \"idle\": 18446744073709551615, \"system\": 3, \"nice\": 2, "
                + "\"type\": \"linux\", \"user\": 1}]}\n", run("guest-get-cpustats"));
        info.failure = AgentException.generic("open(\"/proc/stat\"): Permission denied");
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"open(\\\"/proc/stat\\\"): Permission "
                + "denied\"}}\n", run("guest-get-cpustats"));
    }

    @Test
    void u64() {
        assertEquals(5L, Wire.u64(5));
        assertEquals(new BigInteger("18446744073709551615"), Wire.u64(-1));
    }
}
