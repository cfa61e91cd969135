// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.LinuxGuestInfo;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.host.qga.Transcript;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.dispatch.Dispatcher;
import org.guestd.qga.testing.Golden;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real collectors ({@link LinuxGuestInfo}) over a fixture tree that reproduces the files of
 * the transcript machine, through the dispatcher: the replies must equal qemu-ga 7.2's bytes
 * (transcripts 19a, 19b, 19c), end to end from /proc and /sys text.
 */
class SysinfoFixtureTest {
    @TempDir
    Path dir;
    FixtureTree t;
    Dispatcher dispatcher;

    private static final SystemProbes NO_PROBES = new SystemProbes() {
        @Override
        public Optional<FsUsage> statvfs(Path mountpoint) {
            return Optional.empty();
        }

        @Override
        public Uname uname() throws IOException {
            throw new IOException("not in this test");
        }

        @Override
        public List<IfAddress> addresses() {
            return List.of();
        }
    };

    @BeforeEach
    void machine() throws Exception {
        t = new FixtureTree(dir);
        // /sys: vda (virtio-blk at 00:02.0), loop0..7 and zram0 with size 0
        t.symlink("sys/devices/pci0000:00/0000:00:02.0/driver", "../../../bus/pci/drivers/virtio-pci");
        disk("pci0000:00/0000:00:02.0/virtio1/block/vda", "vda", 254, 0, 209715200);
        StringBuilder diskstats = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            disk("virtual/block/loop" + i, "loop" + i, 7, i, 0);
            diskstats.append(String.format("%4d %7d %s 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0%n", 7, i, "loop" + i));
        }
        disk("virtual/block/zram0", "zram0", 253, 0, 0);
        diskstats.append(" 254       0 vda 36455 9167 2179410 10379 11624 36744 4297608 26312 0 5672 37207 5479 44"
                + " 191144 457 1388 58\n");
        diskstats.append(" 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        t.file("proc/diskstats", diskstats.toString());
        t.file("proc/stat", "cpu  17435 0 12697 39792 203 0 65 78 1 0\n"
                + "cpu0 8809 0 6144 20109 28 0 6 36 0 0\n"
                + "cpu1 8626 0 6553 19683 175 0 59 42 1 0\n"
                + "intr 1433 0 9 0 0\nctxt 1990473\nbtime 1795400000\nprocesses 2915\n"
                + "procs_running 1\nprocs_blocked 0\nsoftirq 183433 0 21755 12 39 0 0 0 0 0 0\n");
        LinuxGuestInfo info = new LinuxGuestInfo(t.paths(), new FakeClock(0), NO_PROBES,
                LinuxGuestInfo.Options.defaults(t.paths(), Optional.empty(), Optional.empty()));
        dispatcher = QgaService.newDispatcher(QgaFeatures.of(info, new FakeClock(0)), "7.2.22",
                ConfigSection.empty("general"));
    }

    private void disk(String path, String name, int major, int minor, long sectors) {
        String base = "sys/devices/" + path;
        t.file(base + "/uevent", "MAJOR=" + major + "\nMINOR=" + minor + "\nDEVNAME=" + name + "\nDEVTYPE=disk\n");
        t.file(base + "/size", sectors + "\n");
        t.mkdirs(base + "/slaves");
        t.mkdirs(base + "/holders");
        t.symlink("sys/block/" + name, "../devices/" + path);
    }

    private void replay(String file) throws Exception {
        for (Transcript.Step s : Golden.load(file).steps()) {
            String request = new String(s.request(), StandardCharsets.ISO_8859_1).strip();
            byte[] got = dispatcher.dispatch(JsonReader.parse(request)).encode();
            assertEquals(new String(s.reply(), StandardCharsets.ISO_8859_1), new String(got, StandardCharsets.ISO_8859_1),
                    file + " step " + s.number());
        }
    }

    @Test
    void disks19a() throws Exception {
        replay("19a-guest-get-disks.txt");
    }

    @Test
    void diskstats19b() throws Exception {
        replay("19b-guest-get-diskstats.txt");
    }

    @Test
    void cpustats19c() throws Exception {
        replay("19c-guest-get-cpustats.txt");
    }

    @Test
    void loadAndRoutesFromProc() throws Exception {
        t.file("proc/loadavg", "0.00 0.01 0.05 1/123 4567\n");
        // %.17g prints 0.0 as "0", as qemu does
        assertEquals("{\"return\": {\"load15m\": 0.050000000000000003, \"load5m\": 0.01, \"load1m\": 0}}\n",
                run("guest-get-load"));
        t.file("proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
        t.file("proc/net/ipv6_route", "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n");
        assertEquals("{\"return\": [{\"flags\": 3, \"metric\": 0, \"refcnt\": 0, \"window\": 0, \"version\": 4, "
                + "\"iface\": \"eth0\", \"destination\": \"0.0.0.0\", \"irtt\": 0, \"gateway\": \"192.0.2.1\", "
                + "\"use\": 0, \"mtu\": 0, \"mask\": \"0.0.0.0\"}, {\"flags\": 18446744071564165121, "
                + "\"source\": \"::\", \"metric\": 0, \"refcnt\": 2, \"version\": 6, \"nexthop\": \"::\", "
                + "\"iface\": \"lo\", \"destination\": \"::1\", \"desprefixlen\": \"128\", \"srcprefixlen\": \"0\", "
                + "\"use\": 0}]}\n", run("guest-network-get-route"));
    }

    @Test
    void errorsAreQemus() throws Exception {
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"cannot query load average: "
                + "No such file or directory\"}}\n", run("guest-get-load"));
        assertEquals("{\"error\": {\"class\": \"GenericError\", \"desc\": \"open(\\\"/proc/net/route\\\"): "
                + "No such file or directory\"}}\n", run("guest-network-get-route"));
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command guest-get-devices has been "
                + "disabled\"}}\n", run("guest-get-devices"));
    }

    private String run(String command) throws Exception {
        byte[] b = dispatcher.dispatch(JsonReader.parse("{\"execute\": \"" + command + "\"}")).encode();
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
