// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.util.SysfsTree;
import org.guestd.jna.linux.Errno;
import org.guestd.os.MountInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * qemu-ga 7.2's {@code build_fs_mount_list}: the local block-device mounts, in mount-table order,
 * read by native's {@link MountInfo} (qemu-ga's scanning rules). From {@code <proc>/self/mountinfo}
 * every entry with a non-zero device major is kept (bind mounts included — the 7.2 agent does not
 * de-duplicate); major 0 is skipped except for btrfs, whose real device is found from the source
 * ({@code stat(source).st_rdev} in qemu). If mountinfo cannot be opened, {@code <proc>/self/mounts}
 * is used: sources not starting with '/' and smbfs/cifs are skipped, directories (bind mounts) too,
 * and an unresolvable source keeps device 0:0.
 *
 * <p>Instead of {@code stat()}, a source {@code /dev/X} is looked up under the dev root: a
 * directory is a bind mount, otherwise the basename of its real path names a block device whose
 * {@code <sys>/class/block/<name>/dev} holds {@code major:minor}. Sources outside {@code /dev} are
 * not stat'ed (that would read the live system), so they count as unresolvable.
 */
public final class MountList {
    private static final Logger LOG = LoggerFactory.getLogger(MountList.class);

    /** One mount: where, which type, which device. */
    public record Mount(String dirname, String type, long major, long minor) {}

    private final Path proc;
    private final Path dev;
    private final SysfsTree sys;

    public MountList(Path proc, Path dev, SysfsTree sys) {
        this.proc = proc;
        this.dev = dev;
        this.sys = sys;
    }

    public List<Mount> build() throws AgentException {
        byte[] data;
        try {
            data = Files.readAllBytes(proc.resolve("self/mountinfo"));
        } catch (IOException | RuntimeException e) {
            return fromMtab();
        }
        List<Mount> out = new ArrayList<>();
        for (MountInfo.Entry e : MountInfo.parse(data)) {
            long major = e.major();
            long minor = e.minor();
            if (major == 0) {
                if (!e.fsType().equals("btrfs")) {
                    continue;
                }
                long[] mm = devMajorMinor(e.source());
                if (mm == null || mm[0] < 0) {
                    continue;
                }
                major = mm[0];
                minor = mm[1];
            }
            out.add(new Mount(e.mountpoint(), e.fsType(), major, minor));
        }
        return out;
    }

    private List<Mount> fromMtab() throws AgentException {
        byte[] data;
        try {
            data = Files.readAllBytes(proc.resolve("self/mounts"));
        } catch (IOException | RuntimeException e) {
            throw AgentException.generic("failed to open mtab file: '/proc/self/mounts'");
        }
        List<Mount> out = new ArrayList<>();
        for (MountInfo.MntEnt m : MountInfo.parseMounts(data)) {
            if (!m.fsname().startsWith("/") || m.type().equals("smbfs") || m.type().equals("cifs")) {
                continue;
            }
            long[] mm = devMajorMinor(m.fsname());
            if (mm != null && mm[0] == -2) {
                continue; // bind mount
            }
            boolean ok = mm != null && mm[0] >= 0;
            out.add(new Mount(m.dir(), m.type(), ok ? mm[0] : 0, ok ? mm[1] : 0));
        }
        return out;
    }

    /**
     * qemu's {@code dev_major_minor}: {@code {major, minor}} of a block device, {@code {-2, 0}}
     * for a directory, null when it is neither or cannot be looked up.
     */
    long[] devMajorMinor(String source) {
        if (!source.startsWith("/dev/")) {
            LOG.debug("not looking up device '{}' outside /dev", source);
            return null;
        }
        Path p = dev.resolve(source.substring(5));
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            LOG.debug("failed to stat device file '{}': {}", source, Errno.describe(e)); // per request: debug
            return null;
        }
        if (attrs.isDirectory()) {
            return new long[] {-2, 0};
        }
        String name;
        try {
            Path real = p.toRealPath();
            name = real.getFileName().toString();
        } catch (IOException e) {
            return null;
        }
        if (!Files.exists(sys.host("/sys/class/block/" + name), LinkOption.NOFOLLOW_LINKS)) {
            return null; // not a block device
        }
        String mm = sys.readAttribute("/sys/class/block/" + name + "/dev");
        if (mm == null) {
            return null;
        }
        String[] parts = mm.trim().split(":");
        if (parts.length != 2) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
