// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

/**
 * The filesystem ioctls of {@code <linux/fs.h>} that a backup agent needs: FIFREEZE, FITHAW and
 * FITRIM, each issued on a descriptor of the mountpoint opened {@code O_RDONLY} (as qemu-ga and
 * hv_vss_daemon do). Failures are {@link NativeException}s; callers tell them apart with its
 * predicates: FIFREEZE {@code isBusy()} = already frozen, {@code isNotSupported()} = the filesystem
 * cannot freeze; FITHAW {@code isInvalidArgument()} = not frozen; FITRIM {@code isInappropriateIoctl()}
 * or {@code isNotSupported()} = no trim; {@link #failedToOpen} = the mountpoint could not be opened.
 */
public final class FsIoctl {
    /** {@code _IOWR('X', 119, int)}. */
    static final long FIFREEZE = 0xC0045877L;
    /** {@code _IOWR('X', 120, int)}. */
    static final long FITHAW = 0xC0045878L;
    /** {@code _IOWR('X', 121, struct fstrim_range)} (three u64: start, len, minlen). */
    static final long FITRIM = 0xC0185879L;

    private static final String OPEN = "open(";

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

    /** Whether {@code e} came from opening the mountpoint rather than from the ioctl itself. */
    public static boolean failedToOpen(NativeException e) {
        return e.call().startsWith(OPEN);
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
            throw new NativeException(OPEN + mountpoint + ")", e.getErrorCode(), null, e);
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
