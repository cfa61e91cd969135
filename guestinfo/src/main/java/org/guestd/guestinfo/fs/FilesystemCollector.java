// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.Filesystem;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.guestinfo.util.SysfsTree;

/**
 * guest-get-fsinfo as in qemu-ga 7.2 ({@code qmp_guest_get_fsinfo} + {@code build_guest_fsinfo}):
 * for each mount of {@link MountList}, the device {@code /sys/dev/block/M:m} is described by
 * {@link DiskWalker}, and usage comes from {@code statvfs(mountpoint)}: used = (blocks − bfree) ×
 * frsize, total = (used + bavail) × frsize, privileged total = blocks × frsize (unsigned 64-bit
 * arithmetic, i.e. Java long bits), all absent when statvfs fails. Results are prepended, so the
 * list comes out in reverse mount order. The first error aborts the whole command.
 */
public final class FilesystemCollector {
    private final MountList mounts;
    private final DiskWalker walker;
    private final SystemProbes probes;

    /**
     * @param proc the procfs root
     * @param sys the sysfs root
     * @param dev the /dev root (btrfs sources)
     * @param run the /run root (udev database)
     */
    public FilesystemCollector(Path proc, Path sys, Path dev, Path run, SystemProbes probes) {
        SysfsTree tree = new SysfsTree(sys);
        this.mounts = new MountList(proc, dev, tree);
        this.walker = new DiskWalker(tree, new Udev(tree, run.resolve("udev/data")));
        this.probes = probes;
    }

    public List<Filesystem> collect() throws AgentException {
        List<Filesystem> out = new ArrayList<>();
        for (MountList.Mount m : mounts.build()) {
            DiskWalker.Acc acc = new DiskWalker.Acc();
            walker.forDevice("/sys/dev/block/" + m.major() + ":" + m.minor(), acc);
            Optional<SystemProbes.FsUsage> u = statvfs(m.dirname());
            Long used = null;
            Long total = null;
            Long totalPrivileged = null;
            if (u.isPresent()) {
                SystemProbes.FsUsage s = u.get();
                long usedBlocks = s.blocks() - s.bfree();
                used = usedBlocks * s.frsize();
                total = (usedBlocks + s.bavail()) * s.frsize();
                totalPrivileged = s.blocks() * s.frsize();
            }
            out.add(0, new Filesystem(acc.name, m.dirname(), m.type(), used, total, totalPrivileged,
                    List.copyOf(acc.disks)));
        }
        return out;
    }

    private Optional<SystemProbes.FsUsage> statvfs(String mountpoint) {
        try {
            Optional<SystemProbes.FsUsage> u = probes.statvfs(Path.of(mountpoint));
            return u == null ? Optional.empty() : u;
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
