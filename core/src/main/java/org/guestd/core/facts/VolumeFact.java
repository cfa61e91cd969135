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
 */
public record VolumeFact(String device, String mountpoint, String filesystem, long sizeBytes, long freeBytes) {
    public VolumeFact {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(filesystem, "filesystem");
    }
}
