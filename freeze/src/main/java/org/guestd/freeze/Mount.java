// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.util.Arrays;
import java.util.List;

/**
 * One line of {@code /proc/self/mountinfo} (proc(5)), escapes decoded.
 *
 * @param id the mount id
 * @param parentId the parent's mount id
 * @param major device major number ({@code st_dev}); 0 for anonymous devices (tmpfs, proc, NFS…)
 * @param minor device minor number
 * @param root the directory of the filesystem that forms this mount's root ({@code /} unless a bind
 *     mount of a subdirectory or a btrfs subvolume)
 * @param mountpoint where it is mounted
 * @param mountOptions per-mount options ({@code rw,relatime})
 * @param fsType filesystem type ({@code ext4}, {@code fuse.sshfs})
 * @param source the mount source ({@code /dev/sda1}, {@code server:/export}, {@code tmpfs})
 * @param superOptions per-superblock options
 */
public record Mount(int id, int parentId, int major, int minor, String root, String mountpoint,
        String mountOptions, String fsType, String source, String superOptions) {

    /** {@code major:minor}, the identity of the filesystem (bind mounts share it). */
    public String device() {
        return major + ":" + minor;
    }

    /** Read-only at the mount or at the superblock. */
    public boolean readOnly() {
        return hasOption(mountOptions, "ro") || hasOption(superOptions, "ro");
    }

    private static boolean hasOption(String options, String name) {
        List<String> opts = Arrays.asList(options.split(","));
        return opts.contains(name);
    }
}
