// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.FakeProbes;
import org.guestd.guestinfo.GuestInfo.BlockDevice;
import org.guestd.guestinfo.GuestInfo.DiskAddress;
import org.guestd.guestinfo.GuestInfo.NvmeSmart;
import org.guestd.guestinfo.GuestInfo.U128;
import org.guestd.guestinfo.util.KernfsOrder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDeviceCollectorTest {
    @TempDir
    Path dir;
    FixtureTree t;
    FakeProbes probes;

    @BeforeEach
    void tree() {
        t = new FixtureTree(dir);
        probes = new FakeProbes();
    }

    /** A block device at sys/devices/{@code path} with its uevent, size and /sys/block link (disks only). */
    private void device(String path, String name, int major, int minor, long sectors, boolean disk) {
        String base = "sys/devices/" + path;
        t.file(base + "/uevent", "MAJOR=" + major + "\nMINOR=" + minor + "\nDEVNAME=" + name + "\nDEVTYPE="
                + (disk ? "disk" : "partition") + "\n");
        t.file(base + "/size", sectors + "\n");
        t.file(base + "/dev", major + ":" + minor + "\n");
        if (disk) {
            t.mkdirs(base + "/holders");
            t.mkdirs(base + "/queue");
            t.symlink("sys/block/" + name, "../devices/" + path);
        }
    }

    private List<BlockDevice> collect() throws AgentException {
        return new BlockDeviceCollector(t.paths().sys(), t.paths().run(), probes).collect();
    }

    /** Transcript 19a's machine: one virtio-blk disk at 00:02.0, eight empty loops, an unset zram0. */
    @Test
    void transcriptMachine() throws Exception {
        t.symlink("sys/devices/pci0000:00/0000:00:02.0/driver", "../../../bus/pci/drivers/virtio-pci");
        device("pci0000:00/0000:00:02.0/virtio1/block/vda", "vda", 254, 0, 209715200, true);
        t.mkdirs("sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/slaves");
        for (int i = 0; i < 8; i++) {
            device("virtual/block/loop" + i, "loop" + i, 7, i, 0, true);
            t.mkdirs("sys/devices/virtual/block/loop" + i + "/slaves");
        }
        device("virtual/block/zram0", "zram0", 253, 0, 0, true);
        assertEquals(List.of(new BlockDevice("/dev/vda", false, List.of(),
                new DiskAddress(0, 0, 2, 0, "virtio", 0, 0, 0, "/dev/vda", null), null, null)), collect());
    }

    private void richMachine() {
        t.symlink("sys/devices/pci0000:00/0000:00:05.0/driver", "../../../bus/pci/drivers/virtio-pci");
        String vda = "pci0000:00/0000:00:05.0/virtio2/block/vda";
        device(vda, "vda", 252, 0, 1000, true);
        t.mkdirs("sys/devices/" + vda + "/slaves");
        device(vda + "/vda1", "vda1", 252, 1, 100, false);
        device(vda + "/vda2", "vda2", 252, 2, 800, false);
        t.file("run/udev/data/b252:0", "E:ID_SERIAL=QM0001\n");
        // LVM on vda2: dm-0 "vg-root"
        device("virtual/block/dm-0", "dm-0", 253, 0, 800, true);
        t.symlink("sys/devices/virtual/block/dm-0/slaves/vda2", "../../../../" + vda + "/vda2");
        t.file("run/udev/data/b253:0", "E:DM_NAME=vg-root\nE:DM_UUID=LVM-x\n");
        // NVMe with one partition
        t.symlink("sys/devices/pci0000:00/0000:00:09.0/driver", "../../../bus/pci/drivers/nvme");
        String nvme = "pci0000:00/0000:00:09.0/nvme/nvme0/nvme0n1";
        device(nvme, "nvme0n1", 259, 0, 2000, true);
        device(nvme + "/nvme0n1p1", "nvme0n1p1", 259, 1, 2000, false);
        t.mkdirs("sys/devices/" + nvme + "/nvme0n1x"); // not a partition name
        // an entry that is not a link, and a disk libudev refuses (no uevent)
        t.mkdirs("sys/block/stray");
        t.file("sys/devices/virtual/block/ghost/size", "8\n");
        t.symlink("sys/block/ghost", "../devices/virtual/block/ghost");
    }

    @Test
    void disksPartitionsDependenciesAliasAndOrder() throws Exception {
        richMachine();
        List<BlockDevice> l = collect();
        Map<String, BlockDevice> m = l.stream().collect(Collectors.toMap(BlockDevice::name, Function.identity()));
        assertEquals(Set.of("/dev/vda", "/dev/vda1", "/dev/vda2", "/dev/dm-0", "/dev/nvme0n1",
                "/dev/nvme0n1p1"), m.keySet());
        assertEquals(new BlockDevice("/dev/vda", false, List.of(),
                new DiskAddress(0, 0, 5, 0, "virtio", 0, 0, 0, "/dev/vda", "QM0001"), null, null), m.get("/dev/vda"));
        assertEquals(new BlockDevice("/dev/vda2", true, List.of("/dev/vda"), null, null, null), m.get("/dev/vda2"));
        assertEquals(new BlockDevice("/dev/dm-0", false, List.of("/dev/vda2"), null, "vg-root", null),
                m.get("/dev/dm-0"));
        BlockDevice nvme = m.get("/dev/nvme0n1");
        assertNull(nvme.dependencies(), "no slaves directory: no dependencies member");
        assertEquals("nvme", nvme.address().busType());
        assertNull(nvme.smart(), "no SMART log from the probe");

        // qemu prepends: disks in reverse readdir order, each preceded by its partitions (reversed)
        List<String> disks = new ArrayList<>(List.of("vda", "dm-0", "nvme0n1", "stray", "ghost"));
        disks.sort(KernfsOrder.COMPARATOR);
        List<String> expected = new ArrayList<>();
        for (String d : disks) {
            if (d.equals("stray") || d.equals("ghost")) {
                continue;
            }
            expected.add(0, "/dev/" + d);
            List<String> parts = new ArrayList<>(d.equals("vda") ? List.of("vda1", "vda2")
                    : d.equals("nvme0n1") ? List.of("nvme0n1p1") : List.of());
            parts.sort(KernfsOrder.COMPARATOR);
            for (String p : parts) {
                expected.add(0, "/dev/" + p);
            }
        }
        assertEquals(expected, l.stream().map(BlockDevice::name).toList());
    }

    @Test
    void dependenciesAreInReverseReaddirOrder() throws Exception {
        richMachine();
        String vda = "pci0000:00/0000:00:05.0/virtio2/block/vda";
        t.symlink("sys/devices/virtual/block/dm-0/slaves/vda1", "../../../../" + vda + "/vda1");
        BlockDevice dm = collect().stream().filter(d -> d.name().equals("/dev/dm-0")).findFirst().orElseThrow();
        List<String> names = new ArrayList<>(List.of("vda1", "vda2"));
        names.sort(KernfsOrder.COMPARATOR.reversed());
        assertEquals(names.stream().map(n -> "/dev/" + n).toList(), dm.dependencies());
    }

    @Test
    void nvmeSmartLogFromTheProbe() throws Exception {
        richMachine();
        byte[] page = new byte[NvmeSmartLog.SIZE];
        page[0] = 2;
        page[1] = 0x3b; // 315 K, little-endian u16 at 1
        page[2] = 0x01;
        page[3] = 100;
        page[4] = 10;
        page[5] = 3;
        page[32] = 7; // data units read lo
        page[47] = (byte) 0x80; // data units read hi: top bit
        page[176] = 9; // error log entries lo
        probes.nvmeLogs.put("/dev/nvme0n1", page);
        BlockDevice nvme = collect().stream().filter(d -> d.name().equals("/dev/nvme0n1")).findFirst().orElseThrow();
        NvmeSmart s = nvme.smart();
        assertEquals(2, s.criticalWarning());
        assertEquals(315, s.temperature());
        assertEquals(100, s.availableSpare());
        assertEquals(10, s.availableSpareThreshold());
        assertEquals(3, s.percentageUsed());
        assertEquals(new U128(7, Long.MIN_VALUE), s.dataUnitsRead());
        assertEquals(new U128(9, 0), s.errorLogEntries());
        assertEquals(new U128(0, 0), s.mediaErrors());
        assertNull(NvmeSmartLog.parse(new byte[100]));
    }

    @Test
    void partitionNames() {
        assertTrue(BlockDeviceCollector.isPartitionName("vda", "vda1"));
        assertTrue(BlockDeviceCollector.isPartitionName("nvme0n1", "nvme0n1p2"));
        assertTrue(BlockDeviceCollector.isPartitionName("mmcblk0", "mmcblk0p1"));
        assertFalse(BlockDeviceCollector.isPartitionName("vda", "vda"));
        assertFalse(BlockDeviceCollector.isPartitionName("nvme0n1", "nvme0n1p"));
        assertFalse(BlockDeviceCollector.isPartitionName("vda", "queue"));
    }

    @Test
    void noSysBlockIsQemusError() {
        AgentException e = assertThrows(AgentException.class,
                () -> new BlockDeviceCollector(dir.resolve("nosys"), dir, probes).collect());
        assertEquals("Can't open directory \"/sys/block\": No such file or directory", e.getMessage());
    }
}
