// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.FakeProbes;
import org.guestd.guestinfo.GuestInfo.DiskAddress;
import org.guestd.guestinfo.GuestInfo.Filesystem;
import org.guestd.guestinfo.SystemProbes.FsUsage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemCollectorTest {
    @TempDir
    Path dir;
    FixtureTree t;
    FakeProbes probes;

    /** A block device at {@code devicePath} (under sys/devices) with its /sys/dev/block and class links. */
    private void block(String devicePath, String name, int major, int minor) {
        String base = "sys/devices/" + devicePath;
        t.file(base + "/dev", major + ":" + minor + "\n");
        t.file(base + "/uevent", "MAJOR=" + major + "\nMINOR=" + minor + "\nDEVNAME=" + name + "\nDEVTYPE=disk\n");
        t.symlink("sys/dev/block/" + major + ":" + minor, "../../devices/" + devicePath);
        t.symlink("sys/class/block/" + name, "../../devices/" + devicePath);
    }

    private void pciDevice(String bdf, String driver) {
        t.symlink("sys/devices/pci0000:00/" + bdf + "/driver", "../../../bus/pci/drivers/" + driver);
    }

    @BeforeEach
    void machine() {
        t = new FixtureTree(dir);
        // virtio-blk vda at 00:05.0 with three partitions; vdb at 00:06.0
        pciDevice("0000:00:05.0", "virtio-pci");
        String vda = "pci0000:00/0000:00:05.0/virtio2/block/vda";
        block(vda, "vda", 252, 0);
        block(vda + "/vda1", "vda1", 252, 1);
        block(vda + "/vda2", "vda2", 252, 2);
        block(vda + "/vda3", "vda3", 252, 3);
        pciDevice("0000:00:06.0", "virtio-pci");
        String vdb = "pci0000:00/0000:00:06.0/virtio3/block/vdb";
        block(vdb, "vdb", 252, 16);
        block(vdb + "/vdb1", "vdb1", 252, 17);
        // LVM: dm-0 over vda3 and vdb1
        block("virtual/block/dm-0", "dm-0", 253, 0);
        t.symlink("sys/devices/virtual/block/dm-0/slaves/vda3", "../../../../" + vda + "/vda3");
        t.symlink("sys/devices/virtual/block/dm-0/slaves/vdb1", "../../../../" + vdb + "/vdb1");
        t.symlink("dev/mapper/vg-home", "../dm-0");
        t.file("dev/dm-0", "");
        // btrfs on the whole disk vdc
        pciDevice("0000:00:07.0", "virtio-pci");
        block("pci0000:00/0000:00:07.0/virtio4/block/vdc", "vdc", 252, 32);
        t.file("dev/vdc", "");
        // virtio-scsi: host0, target 1, lun 2
        pciDevice("0000:00:08.0", "virtio-pci");
        String sda = "pci0000:00/0000:00:08.0/virtio5/host0/target0:0:1/0:0:1:2/block/sda";
        block(sda, "sda", 8, 0);
        block(sda + "/sda1", "sda1", 8, 1);
        // NVMe
        pciDevice("0000:00:09.0", "nvme");
        block("pci0000:00/0000:00:09.0/nvme/nvme0/nvme0n1", "nvme0n1", 259, 0);
        // AHCI: ata1..ata3, the disk on ata3
        pciDevice("0000:00:1f.2", "ahci");
        t.mkdirs("sys/devices/pci0000:00/0000:00:1f.2/ata1");
        t.mkdirs("sys/devices/pci0000:00/0000:00:1f.2/ata2");
        block("pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0/block/sdb", "sdb", 8, 16);
        // virtio-blk behind a PCIe root port
        pciDevice("0000:00:1c.0", "pcieport");
        t.symlink("sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/driver", "../../../../bus/pci/drivers/virtio-pci");
        block("pci0000:00/0000:00:1c.0/0000:01:00.0/virtio6/block/vde", "vde", 252, 64);
        // Xen-like device qemu does not know, and a loop device
        block("vbd-51712/block/xvda", "xvda", 202, 0);
        block("virtual/block/loop0", "loop0", 7, 0);
        // udev knows vda1's serial
        t.file("run/udev/data/b252:1", "S:disk/by-id/virtio-QM0001-part1\nE:ID_SERIAL=QM0001\nE:ID_FS_TYPE=ext4\n");
        t.file("run/udev/data/b252:2", "E:ID_SERIAL=\n");

        t.file("proc/self/mountinfo", String.join("\n",
                "22 27 0:21 / /proc rw,relatime - proc proc rw",
                "27 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
                "28 27 252:1 /srv/data /mnt/bind\\040dir rw,relatime shared:1 - ext4 /dev/vda1 rw",
                "29 27 252:2 / /boot ro,relatime - ext4 /dev/vda2 ro",
                "30 27 0:25 / /tmp rw,nosuid - tmpfs tmpfs rw,size=4k",
                "31 27 253:0 / /home rw - xfs /dev/mapper/vg-home rw",
                "32 27 0:45 / /data rw - btrfs /dev/vdc rw,space_cache=v2",
                "33 27 0:46 / /lost rw - btrfs /dev/vdx rw",
                "34 27 8:1 / /scsi rw - ext4 /dev/sda1 rw",
                "35 27 259:0 / /nvme rw - ext4 /dev/nvme0n1 rw",
                "36 27 8:16 / /sata rw - ext4 /dev/sdb rw",
                "37 27 252:64 / /bridge rw - ext4 /dev/vde rw",
                "38 27 202:0 / /xen rw - ext4 /dev/xvda rw",
                "39 27 7:0 / /snap/x ro - squashfs /dev/loop0 ro",
                "40 27 8:99 / /gone rw - ext4 /dev/sdz rw") + "\n");
        probes = new FakeProbes();
        probes.statvfs.put(Path.of("/"), new FsUsage(26597728, 20464625, 19048040, 4096));
        probes.statvfs.put(Path.of("/boot"), new FsUsage(1000, 1000, 900, 1024));
    }

    private List<Filesystem> collect() throws AgentException {
        return new FilesystemCollector(t.paths().proc(), t.paths().sys(), t.paths().dev(), t.paths().run(), probes)
                .collect();
    }

    private static DiskAddress pci(int slot, String bus, int unit, String dev, String serial) {
        return new DiskAddress(0, 0, slot, 0, bus, 0, 0, unit, dev, serial);
    }

    @Test
    void everyMountInReverseOrder() throws AgentException {
        List<Filesystem> l = collect();
        assertEquals(List.of("/gone", "/snap/x", "/xen", "/bridge", "/sata", "/nvme", "/scsi", "/data", "/home",
                "/boot", "/mnt/bind dir", "/"), l.stream().map(Filesystem::mountpoint).toList());
    }

    @Test
    void partitionOnVirtioBlkAndItsBindMount() throws AgentException {
        Map<String, Filesystem> m = byMountpoint(collect());
        Filesystem root = m.get("/");
        assertEquals("vda1", root.name());
        assertEquals("ext4", root.type());
        DiskAddress vda1 = pci(5, "virtio", 0, "/dev/vda1", "QM0001");
        assertEquals(List.of(vda1), root.disks());
        // used = (blocks - bfree) * frsize; total = (used + bavail) * frsize; privileged = blocks * frsize
        assertEquals((26597728L - 20464625L) * 4096, root.usedBytes());
        assertEquals((26597728L - 20464625L + 19048040L) * 4096, root.totalBytes());
        assertEquals(26597728L * 4096, root.totalBytesPrivileged());
        Filesystem bind = m.get("/mnt/bind dir");
        assertEquals("vda1", bind.name());
        assertEquals(List.of(vda1), bind.disks());
        assertNull(bind.usedBytes()); // statvfs failed
        assertNull(bind.totalBytes());
        assertNull(bind.totalBytesPrivileged());
        Filesystem boot = m.get("/boot"); // read-only: listed like any other; empty ID_SERIAL is no serial
        assertEquals(List.of(pci(5, "virtio", 0, "/dev/vda2", null)), boot.disks());
        assertEquals(0L, boot.usedBytes());
        assertEquals(900L * 1024, boot.totalBytes());
    }

    @Test
    void lvmListsItsSlavesNewestFirst() throws AgentException {
        Filesystem home = byMountpoint(collect()).get("/home");
        assertEquals("dm-0", home.name());
        assertEquals("xfs", home.type());
        // readdir order of slaves/ is vda3, vdb1; qemu prepends each
        assertEquals(List.of(pci(6, "virtio", 0, "/dev/vdb1", null), pci(5, "virtio", 0, "/dev/vda3", null)),
                home.disks());
    }

    @Test
    void btrfsIsResolvedThroughItsSourceDevice() throws AgentException {
        Map<String, Filesystem> m = byMountpoint(collect());
        Filesystem data = m.get("/data");
        assertEquals("vdc", data.name());
        assertEquals("btrfs", data.type());
        assertEquals(List.of(pci(7, "virtio", 0, "/dev/vdc", null)), data.disks());
        assertNull(m.get("/lost")); // source cannot be stat'ed: skipped
        assertNull(m.get("/tmp")); // major 0 and not btrfs
        assertNull(m.get("/proc"));
    }

    @Test
    void scsiNvmeSataBridgeAndUnknownBuses() throws AgentException {
        Map<String, Filesystem> m = byMountpoint(collect());
        // virtio-scsi over PCI: qemu 7.2 sets only the unit (the LUN), not bus or target
        assertEquals(List.of(pci(8, "scsi", 2, "/dev/sda1", null)), m.get("/scsi").disks());
        assertEquals(List.of(pci(9, "nvme", 0, "/dev/nvme0n1", null)), m.get("/nvme").disks());
        // AHCI: the unit is the index of ata3 among ata1..ata3
        assertEquals(List.of(new DiskAddress(0, 0, 0x1f, 2, "sata", 0, 0, 2, "/dev/sdb", null)),
                m.get("/sata").disks());
        // behind a root port the address is the endpoint's, bus 1
        assertEquals(List.of(new DiskAddress(0, 1, 0, 0, "virtio", 0, 0, 0, "/dev/vde", null)),
                m.get("/bridge").disks());
        // unknown bus: kept because udev knows the node
        assertEquals(List.of(new DiskAddress(-1, -1, -1, -1, "unknown", 0, 0, 0, "/dev/xvda", null)),
                m.get("/xen").disks());
        assertEquals("loop0", m.get("/snap/x").name());
        assertEquals(List.of(), m.get("/snap/x").disks());
        assertEquals("8:99", m.get("/gone").name()); // no /sys/dev/block link
        assertEquals(List.of(), m.get("/gone").disks());
    }

    @Test
    void transcript12SingleDisk() throws AgentException {
        FixtureTree t2 = new FixtureTree(dir.resolve("t12"));
        t2.symlink("sys/devices/pci0000:00/0000:00:02.0/driver", "../../../bus/pci/drivers/virtio-pci");
        t2.file("sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/uevent",
                "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\nDISKSEQ=9\n");
        t2.file("sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/serial", "overlayblk");
        t2.symlink("sys/dev/block/254:0", "../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
        t2.file("proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
                + "28 27 0:25 / /mnt/sandboxing ro,nosuid,nodev,relatime - tmpfs none ro,size=4k,mode=755\n");
        FakeProbes p = new FakeProbes();
        p.statvfs.put(Path.of("/"), new FsUsage(26597728, 20464645, 20464645, 4096));
        List<Filesystem> l = new FilesystemCollector(t2.paths().proc(), t2.paths().sys(), t2.paths().dev(),
                t2.paths().run(), p).collect();
        // no udev database: the sysfs serial attribute is not reported, as by qemu-ga
        assertEquals(List.of(new Filesystem("vda", "/", "ext4", 25121107968L, 108944293888L, 108944293888L,
                List.of(new DiskAddress(0, 0, 2, 0, "virtio", 0, 0, 0, "/dev/vda", null)))), l);
    }

    @Test
    void mountsFallbackAndQemusErrorText() throws AgentException {
        FixtureTree t2 = new FixtureTree(dir.resolve("fallback"));
        FilesystemCollector c = new FilesystemCollector(t2.paths().proc(), t.paths().sys(), t.paths().dev(),
                t2.paths().run(), probes);
        AgentException e = assertThrows(AgentException.class, c::collect);
        assertEquals("failed to open mtab file: '/proc/self/mounts'", e.getMessage());
        t2.file("proc/self/mounts", "proc /proc proc rw 0 0\n/dev/vda1 / ext4 rw 0 0\n"
                + "/dev/mapper /mnt/bind none rw 0 0\n//srv/share /mnt/smb cifs rw 0 0\n/dev/nope /x ext4 rw 0 0\n");
        t.mkdirs("dev/mapper");
        t.file("dev/vda1", "");
        List<Filesystem> l = c.collect();
        assertEquals(List.of("/x", "/"), l.stream().map(Filesystem::mountpoint).toList());
        assertEquals("vda1", l.get(1).name());
        assertEquals("0:0", l.get(0).name()); // unresolvable source keeps device 0:0
    }

    private static Map<String, Filesystem> byMountpoint(List<Filesystem> l) {
        return l.stream().collect(Collectors.toMap(Filesystem::mountpoint, f -> f));
    }
}
