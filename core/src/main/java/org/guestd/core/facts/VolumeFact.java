// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.Objects;

/**
 * A mounted local filesystem (the instance name is the mountpoint).
 *
 * @param device the block device node ("/dev/xvda1")
 * @param mountpoint where it is mounted
 * @param filesystem the filesystem type ("ext4")
 * @param sizeBytes its size (statvfs blocks × frsize), or -1 when unknown
 * @param freeBytes space available to unprivileged users (bavail × frsize), or -1 when unknown
 * @param busNode the paravirtual device node of the disk it is on, from
 *     {@code /sys/class/block/<disk>/device/nodename} (Xen: {@code "device/vbd/51712"}), or null
 */
public record VolumeFact(String device, String mountpoint, String filesystem, long sizeBytes, long freeBytes,
        String busNode) {
    public VolumeFact {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(filesystem, "filesystem");
    }

    /** A volume on no paravirtual bus node. */
    public VolumeFact(String device, String mountpoint, String filesystem, long sizeBytes, long freeBytes) {
        this(device, mountpoint, filesystem, sizeBytes, freeBytes, null);
    }
}
