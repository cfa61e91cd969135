// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.BlockDevice;
import org.guestd.guestinfo.GuestInfo.DiskAddress;
import org.guestd.guestinfo.GuestInfo.NvmeSmart;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.guestinfo.util.SysfsTree;
import org.guestd.jna.linux.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * guest-get-disks as qemu-ga (5.2 and later, built with libudev) walks {@code /sys/block}: every
 * symlink entry whose {@code size} is not {@code "0\n"} and whose udev device node is known
 * becomes a disk (name = device node, alias = udev {@code DM_NAME}); a disk not under
 * {@code /devices/virtual/block/} gets the address {@link DiskWalker} builds for guest-get-fsinfo;
 * its {@code slaves/*} are its dependencies (absent without a {@code slaves} directory); an NVMe
 * disk gets its SMART log; then every subdirectory named {@code <disk><digit>…} or
 * {@code <disk>p<digit>…} with a device node is a partition depending on the disk. Everything is
 * prepended, so the list ends up in reverse discovery order (each disk after its partitions), and
 * dependencies in reverse readdir order, as qemu's {@code QAPI_LIST_PREPEND} leaves them.
 */
public final class BlockDeviceCollector {
    private static final Logger LOG = LoggerFactory.getLogger(BlockDeviceCollector.class);
    private static final String SYS_BLOCK = "/sys/block";

    private final SysfsTree sys;
    private final Udev udev;
    private final DiskWalker walker;
    private final SystemProbes probes;

    /**
     * @param sys the sysfs root
     * @param run the /run root (udev database)
     */
    public BlockDeviceCollector(Path sys, Path run, SystemProbes probes) {
        this.sys = new SysfsTree(sys);
        this.udev = new Udev(this.sys, run.resolve("udev/data"));
        this.walker = new DiskWalker(this.sys, udev);
        this.probes = probes;
    }

    public List<BlockDevice> collect() throws AgentException {
        List<String> names;
        try {
            names = sys.list(SYS_BLOCK);
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("Can't open directory \"" + SYS_BLOCK + "\"", e), e);
        }
        List<BlockDevice> out = new ArrayList<>();
        for (String name : names) {
            String diskDir = SYS_BLOCK + "/" + name;
            if (!sys.isSymlink(diskDir)) {
                continue;
            }
            String size = sys.readAttribute(diskDir + "/size");
            if (size == null || size.equals("0\n")) {
                continue;
            }
            String dev = udev.query(diskDir).devnode();
            if (dev == null) {
                LOG.debug("Failed to get device name for syspath: {}", diskDir);
                continue;
            }
            String alias = udev.property(diskDir, "DM_NAME");
            DiskAddress address = isVirtual(diskDir) ? null : walker.address(diskDir);
            NvmeSmart smart = address != null && "nvme".equals(address.busType()) ? smart(dev) : null;
            out.add(0, new BlockDevice(dev, false, dependencies(diskDir), address,
                    alias == null || alias.isEmpty() ? null : alias, smart));
            partitions(name, diskDir, dev, out);
        }
        return out;
    }

    /** {@code is_disk_virtual}; a path that cannot be resolved counts as virtual (no address). */
    private boolean isVirtual(String diskDir) {
        try {
            return sys.realpath(diskDir).contains("/devices/virtual/block/");
        } catch (IOException e) {
            LOG.debug("  failed to check disk path, ignoring error: {}", e.toString());
            return true;
        }
    }

    /** {@code get_disk_deps}: null without a slaves directory. */
    private List<String> dependencies(String diskDir) {
        String dir = diskDir + "/slaves";
        List<String> names;
        try {
            names = sys.list(dir);
        } catch (IOException e) {
            return null;
        }
        List<String> deps = new ArrayList<>();
        for (String n : names) {
            String node = udev.query(dir + "/" + n).devnode();
            if (node != null) {
                deps.add(0, node);
            }
        }
        return List.copyOf(deps);
    }

    /** {@code get_disk_partitions}. */
    private void partitions(String diskName, String diskDir, String diskDev, List<BlockDevice> out) {
        List<String> names;
        try {
            names = sys.list(diskDir);
        } catch (IOException e) {
            return;
        }
        for (String n : names) {
            if (!isPartitionName(diskName, n)
                    || !Files.isDirectory(sys.host(diskDir + "/" + n), LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String dev = udev.query(diskDir + "/" + n).devnode();
            if (dev == null) {
                continue;
            }
            out.add(0, new BlockDevice(dev, true, List.of(diskDev), null, null, null));
        }
    }

    /** {@code <disk><digit>…} or {@code <disk>p<digit>…}. */
    static boolean isPartitionName(String disk, String entry) {
        if (!entry.startsWith(disk)) {
            return false;
        }
        int len = disk.length();
        if (entry.length() > len && isDigit(entry.charAt(len))) {
            return true;
        }
        return entry.length() > len + 1 && entry.charAt(len) == 'p' && isDigit(entry.charAt(len + 1));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private NvmeSmart smart(String dev) {
        try {
            Optional<byte[]> page = probes.nvmeSmartLog(dev);
            return page == null ? null : page.map(NvmeSmartLog::parse).orElse(null);
        } catch (RuntimeException e) {
            LOG.debug("Failed to get smart: {}: {}", dev, e.toString());
            return null;
        }
    }
}
