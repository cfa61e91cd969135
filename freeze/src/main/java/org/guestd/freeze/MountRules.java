// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.guestd.core.env.HostPaths;

/**
 * Which mounts are frozen (or trimmed), and in which order. The rules, each with its reason and
 * where it comes from:
 *
 * <ol>
 *   <li><b>no block device</b> (device major 0: tmpfs, proc, sysfs, cgroup, overlay, NFS, CIFS,
 *       FUSE…) — qemu-ga's {@code build_fs_mount_list}: nothing a disk snapshot captures, and
 *       FIFREEZE is unsupported or would freeze a shared upper layer. <b>Except btrfs</b>, which
 *       reports major 0: its source device is stat'ed for the real number, as qemu-ga does.</li>
 *   <li><b>source is not a path</b> ({@code server:/export}, {@code none}) — hv_vss_daemon only
 *       freezes {@code /dev/*} sources; qemu-ga's mtab fallback skips sources not starting with
 *       {@code /}: dummy and network filesystems.</li>
 *   <li><b>network or user-space filesystem types</b> (nfs*, cifs, smb*, ceph, glusterfs, 9p,
 *       virtiofs, afs, fuse*) even on a device — the server or the FUSE daemon may itself need the
 *       frozen disk (deadlock), and the kernel does not freeze them (open-vm-tools #127/#122).</li>
 *   <li><b>read-only</b> (mount or superblock {@code ro}) — hv_vss_daemon: nothing to flush.</li>
 *   <li><b>vfat</b> — hv_vss_daemon: the EFI system partition; vfat cannot be frozen.</li>
 *   <li><b>loop devices</b> (the device, or a device-mapper device stacked on one) — hv_vss_daemon's
 *       {@code is_dev_loop}: the loop's backing file lives on another filesystem; freezing that
 *       one first deadlocks the loop's writeback. Only for "freeze everything"; configurable
 *       ({@code [freeze] skip-loop-devices}); a mountpoint named explicitly is always honoured.</li>
 *   <li><b>over-mounted</b> — a later mount on the same path hides this one: opening the path
 *       reaches the later mount, so this filesystem cannot be reached by path.</li>
 *   <li><b>same filesystem twice</b> (bind mounts, btrfs subvolumes: one device id) — frozen once,
 *       through its first mount; a second FIFREEZE would get EBUSY (qemu-ga, hv_vss_daemon).</li>
 * </ol>
 *
 * <p>Order: reverse mount order (a filesystem mounted on top of another is frozen before it, as
 * qemu-ga), with {@code /} always last (hv_vss_daemon). Thaw runs the freeze order backwards.
 */
public final class MountRules {
    static final Set<String> NETWORK_TYPES = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs",
            "9p", "virtiofs", "afs", "ncpfs", "lustre", "gfs2", "ocfs2");

    /** A mount left out, and why. */
    public record Skipped(Mount mount, String reason) {}

    /**
     * @param freeze mounts to freeze, in freeze order
     * @param skipped mounts left out with the reason
     * @param unknown requested mountpoints that match no mount (ignored, as qemu-ga does)
     */
    public record Plan(List<Mount> freeze, List<Skipped> skipped, List<String> unknown) {}

    private final HostPaths paths;
    private final boolean skipLoopDevices;
    private final Function<String, int[]> deviceOf;

    /**
     * @param deviceOf major/minor of a device node (btrfs sources), or null when it cannot be stat'ed
     */
    public MountRules(HostPaths paths, boolean skipLoopDevices, Function<String, int[]> deviceOf) {
        this.paths = paths;
        this.skipLoopDevices = skipLoopDevices;
        this.deviceOf = deviceOf;
    }

    /** The production device lookup: {@code stat(2)}'s {@code st_rdev} of the node. */
    public static int[] statDevice(String node) {
        try {
            long rdev = ((Number) Files.getAttribute(Path.of(node), "unix:rdev")).longValue();
            int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
            int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
            return new int[] {major, minor};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The mounts to freeze.
     *
     * @param requested mountpoints to freeze, or null for every freezable filesystem
     */
    public Plan freezePlan(List<Mount> mounts, List<String> requested) {
        List<Skipped> skipped = new ArrayList<>();
        Set<String> wanted = null;
        if (requested != null) {
            wanted = new LinkedHashSet<>();
            for (String r : requested) {
                wanted.add(normalize(r));
            }
        }
        Map<String, Integer> lastOnPath = new HashMap<>();
        for (int i = 0; i < mounts.size(); i++) {
            lastOnPath.put(mounts.get(i).mountpoint(), i);
        }
        List<Mount> kept = new ArrayList<>();
        Map<String, Mount> byDevice = new HashMap<>();
        Set<String> matched = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = resolve(mounts.get(i));
            if (wanted != null && !wanted.contains(m.mountpoint())) {
                continue;
            }
            matched.add(m.mountpoint());
            String reason = whyNot(m, wanted == null);
            if (reason == null && lastOnPath.get(m.mountpoint()) != i) {
                reason = "over-mounted: a later mount on the same path hides it";
            }
            if (reason == null && byDevice.containsKey(m.device())) {
                reason = "same filesystem (device " + m.device() + ") as " + byDevice.get(m.device()).mountpoint()
                        + ": frozen once";
            }
            if (reason != null) {
                skipped.add(new Skipped(m, reason));
                continue;
            }
            byDevice.put(m.device(), m);
            kept.add(m);
        }
        List<String> unknown = new ArrayList<>();
        if (wanted != null) {
            for (String w : wanted) {
                if (!matched.contains(w)) {
                    unknown.add(w);
                }
            }
        }
        return new Plan(freezeOrder(kept), skipped, unknown);
    }

    /** qemu-ga's trim list: every mount with a block device (btrfs resolved), reverse mount order. */
    public List<Mount> trimList(List<Mount> mounts) {
        List<Mount> out = new ArrayList<>();
        for (Mount raw : mounts) {
            Mount m = resolve(raw);
            if (m.major() != 0) {
                out.add(0, m);
            }
        }
        return out;
    }

    /** Reverse mount order, {@code /} last. */
    static List<Mount> freezeOrder(List<Mount> inMountOrder) {
        List<Mount> out = new ArrayList<>();
        Mount root = null;
        for (int i = inMountOrder.size() - 1; i >= 0; i--) {
            Mount m = inMountOrder.get(i);
            if (m.mountpoint().equals("/")) {
                root = m;
            } else {
                out.add(m);
            }
        }
        if (root != null) {
            out.add(root);
        }
        return out;
    }

    /** btrfs reports device major 0; qemu-ga stats the source for the real number. */
    private Mount resolve(Mount m) {
        if (m.major() == 0 && m.fsType().equals("btrfs") && m.source().startsWith("/")) {
            int[] dev = deviceOf.apply(m.source());
            if (dev != null && dev[0] != 0) {
                return new Mount(m.id(), m.parentId(), dev[0], dev[1], m.root(), m.mountpoint(), m.mountOptions(),
                        m.fsType(), m.source(), m.superOptions());
            }
        }
        return m;
    }

    private String whyNot(Mount m, boolean everything) {
        if (m.major() == 0) {
            return "no block device (pseudo, memory or network filesystem)";
        }
        if (!m.source().startsWith("/")) {
            return "source is not a device path (dummy or network filesystem)";
        }
        if (NETWORK_TYPES.contains(m.fsType()) || m.fsType().startsWith("fuse")) {
            return "network or user-space filesystem (" + m.fsType() + ")";
        }
        if (m.readOnly()) {
            return "read-only: nothing to flush";
        }
        if (m.fsType().equals("vfat")) {
            return "vfat cannot be frozen (hv_vss_daemon skips it)";
        }
        if (everything && skipLoopDevices && isLoop(paths.sys("dev/block/" + m.device()), 0)) {
            return "on a loop device (its backing file lives on another filesystem)";
        }
        return null;
    }

    /** hv_vss_daemon's is_dev_loop: the device has a {@code loop} dir, or a slave (recursively) has. */
    private static boolean isLoop(Path blockDir, int depth) {
        if (Files.isDirectory(blockDir.resolve("loop"))) {
            return true;
        }
        Path slaves = blockDir.resolve("slaves");
        if (depth > 8 || !Files.isDirectory(slaves)) {
            return false;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(slaves)) {
            for (Path s : ds) {
                if (isLoop(s, depth + 1)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static String normalize(String mountpoint) {
        String s = mountpoint;
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
