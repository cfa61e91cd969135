// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.DiskAddress;
import org.guestd.guestinfo.util.CScan;
import org.guestd.guestinfo.util.SysfsTree;
import org.guestd.jna.linux.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a block device sits, found the way qemu-ga 7.2 walks sysfs
 * ({@code build_guest_fsinfo_for_device} and friends). All string matching is done on kernel
 * paths ({@code /sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda1}), exactly as qemu
 * does on {@code realpath()} results:
 * <ul>
 * <li>{@code /sys/dev/block/M:m} is resolved; the filesystem is named after the basename
 * (the partition itself, e.g. {@code vda1}; {@code "M:m"} when the link does not exist);</li>
 * <li>a device under {@code /devices/virtual/block/} (dm, md, loop) is replaced by its
 * {@code slaves/*} links, recursively;</li>
 * <li>a real device yields one address: PCI ({@code /devices/pci}, walking down bridges until the
 * driver is ata_piix, sym53c8xx, virtio-pci, ahci or nvme), CCW ({@code /devices/css}) or non-PCI
 * virtio; bus-type/unit from {@code /target} and {@code /ata}/{@code /host} components as in qemu
 * (virtio-scsi over PCI sets only {@code unit}); plus dev and serial from udev ({@link Udev}). The
 * address is kept if the bus was recognised or udev knew a node or a serial.</li>
 * </ul>
 * Addresses are prepended, so the final list is in reverse discovery order, like qemu's.
 */
final class DiskWalker {
    private static final Logger LOG = LoggerFactory.getLogger(DiskWalker.class);
    private static final Set<String> DRIVERS = Set.of("ata_piix", "sym53c8xx", "virtio-pci", "ahci", "nvme");

    /** The filesystem being described: its name and disks (newest first). */
    static final class Acc {
        String name;
        final List<DiskAddress> disks = new ArrayList<>();
    }

    /** A GuestDiskAddress under construction, with qemu's defaults. */
    private static final class Disk {
        long domain = -1;
        long bus = -1;
        long slot = -1;
        long function = -1;
        String busType = "unknown";
        long diskBus;
        long target;
        long unit;

        DiskAddress build(Udev.Info u) {
            return new DiskAddress((int) domain, (int) bus, (int) slot, (int) function, busType,
                    (int) diskBus, (int) target, (int) unit, u.devnode(), u.serial());
        }
    }

    private final SysfsTree sys;
    private final Udev udev;

    DiskWalker(SysfsTree sys, Udev udev) {
        this.sys = sys;
        this.udev = udev;
    }

    /**
     * qemu's {@code get_disk_address}: the address {@link #forDevice} finds for one disk, or null;
     * errors are ignored (guest-get-disks only logs them).
     */
    DiskAddress address(String syspath) {
        Acc acc = new Acc();
        try {
            forDevice(syspath, acc);
        } catch (AgentException e) {
            LOG.debug("  failed to get device info, ignoring error: {}", e.getMessage());
        }
        return acc.disks.isEmpty() ? null : acc.disks.get(0);
    }

    /** {@code build_guest_fsinfo_for_device}. */
    void forDevice(String devpath, Acc fs) throws AgentException {
        String syspath;
        try {
            syspath = sys.realpath(devpath);
        } catch (NoSuchFileException e) {
            if (fs.name == null) {
                fs.name = SysfsTree.basename(devpath);
            }
            return;
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("realpath(\"" + devpath + "\")", e), e);
        }
        if (fs.name == null) {
            fs.name = SysfsTree.basename(syspath);
        }
        if (syspath.contains("/devices/virtual/block/")) {
            forVirtual(syspath, fs);
        } else {
            forReal(syspath, fs);
        }
    }

    private void forVirtual(String syspath, Acc fs) throws AgentException {
        String dir = syspath + "/slaves";
        List<String> names;
        try {
            names = sys.list(dir);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("opendir(\"" + dir + "\")", e), e);
        }
        for (String n : names) {
            String path = dir + "/" + n;
            if (sys.isSymlink(path)) {
                forDevice(path, fs);
            }
        }
    }

    private void forReal(String syspath, Acc fs) throws AgentException {
        Disk d = new Disk();
        Udev.Info u = udev.query(syspath);
        boolean hw;
        if (syspath.contains("/devices/pci")) {
            hw = forPci(syspath, d);
        } else if (syspath.contains("/devices/css")) {
            hw = forCcw(syspath, d);
        } else if (syspath.contains("/virtio")) {
            hw = forNonPciVirtio(syspath, d);
        } else {
            LOG.debug("Unsupported device type for '{}'", syspath);
            hw = false;
        }
        if (hw || u.devnode() != null || u.serial() != null) {
            fs.disks.add(0, d.build(u));
        }
    }

    /** {@code build_guest_fsinfo_for_pci_dev}. */
    private boolean forPci(String syspath, Disk d) throws AgentException {
        int p = syspath.indexOf("/devices/pci");
        long[] pci = new long[4];
        CScan c = new CScan(syspath, p + 12);
        if (c.hex() == null || !c.lit(':') || c.hex() == null || !c.lit('/') || !pciAddress(c, pci)) {
            LOG.debug("only pci device is supported: sysfs path '{}'", syspath);
            return false;
        }
        p = c.pos;
        String driver;
        while (true) {
            driver = driver(syspath.substring(0, p));
            if (driver != null && DRIVERS.contains(driver)) {
                break;
            }
            CScan n = new CScan(syspath, p);
            long[] child = new long[4];
            if (n.lit('/') && pciAddress(n, child)) {
                pci = child;
                p = n.pos;
                continue;
            }
            LOG.debug("unsupported driver or sysfs path '{}'", syspath);
            return false;
        }
        long[] tgt = target(syspath);
        boolean hasTgt = tgt != null;
        if (tgt == null) {
            tgt = new long[3];
        }
        boolean ata = false;
        int hp = syspath.indexOf("/ata");
        int q;
        if (hp >= 0) {
            q = hp + 4;
            ata = true;
        } else {
            hp = syspath.indexOf("/host");
            q = hp + 5;
        }
        long host = 0;
        boolean hasHost = false;
        long[] hosts = new long[0];
        if (hp >= 0) {
            Long h = new CScan(syspath, q).dec();
            if (h != null) {
                host = h & 0xffffffffL;
                hasHost = true;
                hosts = hosts(syspath.substring(0, hp), ata);
            }
        }
        d.domain = pci[0];
        d.bus = pci[1];
        d.slot = pci[2];
        d.function = pci[3];
        switch (driver) {
            case "ata_piix": {
                int i = hasHost && hasTgt ? indexOf(hosts, host) : -1;
                if (i < 0) {
                    return false;
                }
                d.busType = "ide";
                d.diskBus = i;
                d.unit = tgt[1];
                return true;
            }
            case "sym53c8xx":
                if (!hasTgt) {
                    return false;
                }
                d.busType = "scsi";
                d.unit = tgt[1];
                return true;
            case "virtio-pci":
                if (hasTgt) {
                    d.busType = "scsi";
                    d.unit = tgt[2];
                } else {
                    d.busType = "virtio";
                }
                return true;
            case "ahci": {
                int i = hasHost && hasTgt ? indexOf(hosts, host) : -1;
                if (i < 0) {
                    return false;
                }
                d.unit = i;
                d.busType = "sata";
                return true;
            }
            default: // nvme
                d.busType = "nvme";
                return true;
        }
    }

    /** {@code sscanf(strstr(p, "/target") + 7, "%*u:%*u:%*u/%*u:%u:%u:%u")}, or null. */
    private static long[] target(String syspath) {
        int t = syspath.indexOf("/target");
        if (t < 0) {
            return null;
        }
        CScan s = new CScan(syspath, t + 7);
        if (s.dec() == null || !s.lit(':') || s.dec() == null || !s.lit(':') || s.dec() == null || !s.lit('/')
                || s.dec() == null || !s.lit(':')) {
            return null;
        }
        Long a = s.dec();
        Long b = a != null && s.lit(':') ? s.dec() : null;
        Long c = b != null && s.lit(':') ? s.dec() : null;
        return c == null ? null : new long[] {a & 0xffffffffL, b & 0xffffffffL, c & 0xffffffffL};
    }

    /** {@code "%x:%x:%x.%x"}. */
    private static boolean pciAddress(CScan c, long[] out) {
        Long a = c.hex();
        if (a == null || !c.lit(':')) {
            return false;
        }
        Long b = c.hex();
        if (b == null || !c.lit(':')) {
            return false;
        }
        Long s = c.hex();
        if (s == null || !c.lit('.')) {
            return false;
        }
        Long f = c.hex();
        if (f == null) {
            return false;
        }
        out[0] = a;
        out[1] = b;
        out[2] = s;
        out[3] = f;
        return true;
    }

    private String driver(String devicePath) {
        String target = sys.readlink(devicePath + "/driver");
        return target == null ? null : SysfsTree.basename(target);
    }

    /** {@code build_hosts}: the first 8 ataN/hostN numbers of the directory, sorted. */
    private long[] hosts(String dir, boolean ata) throws AgentException {
        List<String> names;
        try {
            names = sys.list(dir);
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("opendir(\"" + dir + "\")", e), e);
        }
        String prefix = ata ? "ata" : "host";
        long[] found = new long[8];
        int n = 0;
        for (String name : names) {
            if (n >= found.length) {
                break;
            }
            if (name.startsWith(prefix)) {
                Long v = new CScan(name, prefix.length()).dec();
                if (v != null) {
                    found[n++] = v & 0xffffffffL;
                }
            }
        }
        long[] hosts = Arrays.copyOf(found, n);
        Arrays.sort(hosts);
        return hosts;
    }

    private static int indexOf(long[] hosts, long host) {
        for (int i = 0; i < hosts.length; i++) {
            if (hosts[i] == host) {
                return i;
            }
        }
        return -1;
    }

    /** {@code build_guest_fsinfo_for_nonpci_virtio}. */
    private static boolean forNonPciVirtio(String syspath, Disk d) {
        if (!syspath.contains("/virtio") || !syspath.contains("/block")) {
            return false;
        }
        long[] tgt = target(syspath);
        if (tgt != null) {
            d.busType = "scsi";
            d.diskBus = tgt[0];
            d.target = tgt[1];
            d.unit = tgt[2];
            return true;
        }
        d.busType = "virtio";
        return true;
    }

    /** {@code build_guest_fsinfo_for_ccw_dev} (the CCW address itself is not modelled). */
    private static boolean forCcw(String syspath, Disk d) {
        int p = syspath.indexOf("/devices/css");
        CScan c = new CScan(syspath, p + 12);
        if (c.hex() == null || !c.lit('/') || c.hex() == null || !c.lit('.') || c.hex() == null || !c.lit('.')
                || c.hex() == null || !c.lit('/') || c.hex() == null || !c.lit('.') || c.hex() == null
                || !c.lit('.') || c.hex() == null) {
            return false;
        }
        if (syspath.indexOf("/virtio", p) >= 0) {
            forNonPciVirtio(syspath, d);
        }
        return true;
    }
}
