// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

/**
 * The filesystem ioctls of {@code <linux/fs.h>} that a backup agent needs: FIFREEZE, FITHAW and
 * FITRIM, each issued on a descriptor of the mountpoint opened {@code O_RDONLY} (as qemu-ga and
 * hv_vss_daemon do). Failures are {@link NativeException}s whose {@link NativeException#errno()}
 * callers compare with the constants below.
 */
public final class FsIoctl {
    /** {@code _IOWR('X', 119, int)}. */
    static final long FIFREEZE = 0xC0045877L;
    /** {@code _IOWR('X', 120, int)}. */
    static final long FITHAW = 0xC0045878L;
    /** {@code _IOWR('X', 121, struct fstrim_range)} (three u64: start, len, minlen). */
    static final long FITRIM = 0xC0185879L;

    /** Already frozen (FIFREEZE on a frozen superblock, e.g. a second mount of one device). */
    public static final int EBUSY = Errno.EBUSY;
    /** Not frozen (FITHAW on a thawed superblock). */
    public static final int EINVAL = Errno.EINVAL;
    /** The filesystem does not implement the operation. */
    public static final int EOPNOTSUPP = Errno.EOPNOTSUPP;
    /** Not a filesystem that knows the ioctl at all (e.g. a CD-ROM for FITRIM). */
    public static final int ENOTTY = Errno.ENOTTY;
    /** The call was interrupted. */
    public static final int EINTR = Errno.EINTR;
    /** Permission denied (not root, CAP_SYS_ADMIN missing). */
    public static final int EPERM = Errno.EPERM;

    private FsIoctl() {}

    /** What FITRIM reports: bytes trimmed and the minimum extent length the kernel used. */
    public record TrimRange(long trimmed, long minimum) {}

    /** FIFREEZE on the filesystem mounted at {@code mountpoint}. Blocks while dirty data is written. */
    public static void freeze(String mountpoint) throws NativeException {
        simple("FIFREEZE", FIFREEZE, mountpoint);
    }

    /** FITHAW on the filesystem mounted at {@code mountpoint}; EINVAL when it was not frozen. */
    public static void thaw(String mountpoint) throws NativeException {
        simple("FITHAW", FITHAW, mountpoint);
    }

    /**
     * FITRIM over the whole filesystem ({@code start 0, len ULLONG_MAX}) with extents of at least
     * {@code minimum} bytes.
     */
    public static TrimRange trim(String mountpoint, long minimum) throws NativeException {
        String call = "FITRIM(" + mountpoint + ")";
        int fd = open(call, mountpoint);
        try (Memory range = new Memory(24)) {
            range.setLong(0, 0);
            range.setLong(8, -1L);
            range.setLong(16, minimum);
            LinuxLibc.ioctl(fd, new NativeLong(FITRIM), range);
            return new TrimRange(range.getLong(8), range.getLong(16));
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        } finally {
            closeQuietly(fd);
        }
    }

    /** glibc's text for {@code errno}, as {@code strerror(3)} ("Device or resource busy"). */
    public static String strerror(int errno) {
        return Errno.text(errno);
    }

    private static void simple(String name, long request, String mountpoint) throws NativeException {
        String call = name + "(" + mountpoint + ")";
        int fd = open(call, mountpoint);
        try {
            LinuxLibc.ioctl(fd, new NativeLong(request), null);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        } finally {
            closeQuietly(fd);
        }
    }

    private static int open(String call, String mountpoint) throws NativeException {
        LinuxNative.ensure(call);
        try {
            return LinuxLibc.open(mountpoint, LinuxLibc.O_RDONLY | LinuxLibc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NativeException("open(" + mountpoint + ")", e.getErrorCode(), null, e);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LinuxLibc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do about a failed close of a read-only directory fd
        }
    }
}
