// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

/**
 * The fields of glibc's {@code struct statvfs} (statvfs(3)). Block counts are in units of
 * {@code frsize}; {@code flag} holds the {@code ST_*} mount flags.
 *
 * @param bsize filesystem block size
 * @param frsize fragment size (unit of the block counts)
 * @param blocks size of the filesystem in frsize units
 * @param bfree free blocks
 * @param bavail free blocks for unprivileged users
 * @param files inodes
 * @param ffree free inodes
 * @param flag mount flags (ST_RDONLY = 1, ST_NOSUID = 2, ...)
 * @param namemax maximum filename length
 */
public record StatVfs(long bsize, long frsize, long blocks, long bfree, long bavail, long files, long ffree,
        long flag, long namemax) {
    /** ST_RDONLY. */
    public static final long ST_RDONLY = 1;

    /** Total size in bytes ({@code blocks * frsize}). */
    public long totalBytes() {
        return blocks * frsize;
    }

    /** Bytes available to unprivileged users ({@code bavail * frsize}). */
    public long availableBytes() {
        return bavail * frsize;
    }
}
