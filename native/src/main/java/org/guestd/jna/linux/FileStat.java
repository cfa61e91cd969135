// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields of {@code struct stat} that {@link PosixFiles} reports. Offsets are glibc's on x86_64
 * and aarch64 (generic layout): dev 0, ino 8, size 48, mtime 88, ctime 104; nlink/mode/uid/gid
 * differ between the two.
 *
 * @param mtimeNanos modification time in nanoseconds since the epoch
 * @param ctimeNanos status change time in nanoseconds since the epoch
 */
public record FileStat(long dev, long ino, long nlink, int mode, int uid, int gid, long size, long mtimeNanos,
        long ctimeNanos) {
    static final int BUFFER = 256; // real size 144 (x86_64) / 128 (aarch64)

    static FileStat parse(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long nlink;
        int mode;
        int uid;
        int gid;
        if (Platform.isIntel()) {
            nlink = bb.getLong(16);
            mode = bb.getInt(24);
            uid = bb.getInt(28);
            gid = bb.getInt(32);
        } else {
            mode = bb.getInt(16);
            nlink = Integer.toUnsignedLong(bb.getInt(20));
            uid = bb.getInt(24);
            gid = bb.getInt(28);
        }
        return new FileStat(bb.getLong(0), bb.getLong(8), nlink, mode, uid, gid, bb.getLong(48),
                bb.getLong(88) * 1_000_000_000L + bb.getLong(96), bb.getLong(104) * 1_000_000_000L + bb.getLong(112));
    }

    /** This stat with another size and mtime (what a file is after a write this process made). */
    public FileStat withSizeAndMtime(long newSize, long newMtimeNanos) {
        return new FileStat(dev, ino, nlink, mode, uid, gid, newSize, newMtimeNanos, ctimeNanos);
    }

    /** Whether both describe the same file in the same state, as far as a stat can tell. */
    public boolean sameVersion(FileStat o) {
        return o != null && dev == o.dev && ino == o.ino && size == o.size && mtimeNanos == o.mtimeNanos;
    }
}
