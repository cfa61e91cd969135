// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.util.Arrays;

/**
 * Descriptor-level file calls for files shared with other daemons (the KVP pools): open with a
 * mode, pread/pwrite, fsync, ftruncate, fstat/stat, fchmod/fchown, futimens, rename, unlink and the
 * two lock kinds (fcntl open-file-description locks, flock). Every failure is a
 * {@link NativeException} naming the call, its object and the errno; EINTR is retried where a call
 * can return it. Every descriptor is opened close-on-exec.
 *
 * <p>Unlike the other facades these calls do not consult {@link LinuxNative#availability()}: that
 * probe also loads Netty's epoll transport, which the {@code guestctl} tool never needs; a libc
 * that cannot be bound fails at first use.
 */
public final class PosixFiles {
    /** open(2) access modes and flags (asm-generic values). */
    public static final int O_RDONLY = LinuxLibc.O_RDONLY;
    public static final int O_WRONLY = LinuxLibc.O_WRONLY;
    public static final int O_RDWR = LinuxLibc.O_RDWR;
    public static final int O_CREAT = ProcLibc.O_CREAT;
    public static final int O_EXCL = ProcLibc.O_EXCL;
    public static final int O_TRUNC = ProcLibc.O_TRUNC;

    /** Reads larger than this are refused with EFBIG (a Java array holds the whole file). */
    private static final long MAX_READ = Integer.MAX_VALUE - 8;

    private PosixFiles() {}

    /** open(2) of {@code path} with {@code flags} ({@code O_CLOEXEC} added) and {@code mode}; returns the fd. */
    public static int open(String path, int flags, int mode) throws NativeException {
        String call = "open(" + path + ")";
        while (true) {
            try {
                return FileLibc.open(path, flags | LinuxLibc.O_CLOEXEC, mode);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeException.of(call, e);
                }
            }
        }
    }

    /** close(2), errors ignored (a descriptor only read, or already fsynced); -1 is skipped. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                FileLibc.close(fd);
            } catch (LastErrorException ignored) {
                // close errors on such a descriptor carry no information
            }
        }
    }

    /** close(2); {@code what} names the file in the error. */
    public static void close(int fd, String what) throws NativeException {
        try {
            FileLibc.close(fd);
        } catch (LastErrorException e) {
            throw NativeException.of("close(" + what + ")", e);
        }
    }

    /** fstat(2). */
    public static FileStat fstat(int fd, String what) throws NativeException {
        byte[] b = new byte[FileStat.BUFFER];
        try {
            FileLibc.fstat(fd, b);
        } catch (LastErrorException e) {
            throw NativeException.of("fstat(" + what + ")", e);
        }
        return FileStat.parse(b);
    }

    /** stat(2) of a path; null when it does not exist. */
    public static FileStat stat(String path) throws NativeException {
        byte[] b = new byte[FileStat.BUFFER];
        try {
            FileLibc.stat(path, b);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT) {
                return null;
            }
            throw NativeException.of("stat(" + path + ")", e);
        }
        return FileStat.parse(b);
    }

    /**
     * Reads exactly {@code length} bytes from offset 0 with pread (fewer only at end of file).
     *
     * @throws NativeException EFBIG when {@code length} does not fit a Java array
     */
    public static byte[] readAll(int fd, long length, String what) throws NativeException {
        if (length > MAX_READ) {
            throw new NativeException("read(" + what + ")", Errno.EFBIG);
        }
        int len = (int) length;
        byte[] buf = new byte[len];
        int done = 0;
        while (done < len) {
            byte[] chunk = done == 0 ? buf : new byte[len - done];
            long n;
            try {
                n = FileLibc.pread(fd, chunk, len - done, done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                throw NativeException.of("pread(" + what + ")", e);
            }
            if (n <= 0) {
                break;
            }
            if (chunk != buf) {
                System.arraycopy(chunk, 0, buf, done, (int) n);
            }
            done += (int) n;
        }
        return done < len ? Arrays.copyOf(buf, done) : buf;
    }

    /** write(2) of all of {@code data} at the file position (short writes continued, EINTR retried). */
    public static void writeAll(int fd, byte[] data, String what) throws NativeException {
        int done = 0;
        while (done < data.length) {
            byte[] chunk = done == 0 ? data : Arrays.copyOfRange(data, done, data.length);
            try {
                done += (int) FileLibc.write(fd, chunk, chunk.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeException.of("write(" + what + ")", e);
                }
            }
        }
    }

    /** pwrite(2) of all of {@code data} at {@code offset} (short writes continued, EINTR retried). */
    public static void pwriteAll(int fd, byte[] data, long offset, String what) throws NativeException {
        int done = 0;
        while (done < data.length) {
            byte[] chunk = done == 0 ? data : Arrays.copyOfRange(data, done, data.length);
            try {
                done += (int) FileLibc.pwrite(fd, chunk, chunk.length, offset + done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeException.of("pwrite(" + what + ")", e);
                }
            }
        }
    }

    /** fdatasync(2); EINVAL (a file system without sync) is not an error. */
    public static void fdatasync(int fd, String what) throws NativeException {
        try {
            FileLibc.fdatasync(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Errno.EINVAL) {
                throw NativeException.of("fdatasync(" + what + ")", e);
            }
        }
    }

    /** fsync(2); EINVAL (a file system without sync) is not an error. */
    public static void fsync(int fd, String what) throws NativeException {
        try {
            FileLibc.fsync(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Errno.EINVAL) {
                throw NativeException.of("fsync(" + what + ")", e);
            }
        }
    }

    /** ftruncate(2), EINTR retried. */
    public static void ftruncate(int fd, long length, String what) throws NativeException {
        while (true) {
            try {
                FileLibc.ftruncate(fd, length);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeException.of("ftruncate(" + what + ")", e);
                }
            }
        }
    }

    /** fchmod(2). */
    public static void fchmod(int fd, int mode, String what) throws NativeException {
        try {
            FileLibc.fchmod(fd, mode);
        } catch (LastErrorException e) {
            throw NativeException.of("fchmod(" + what + ")", e);
        }
    }

    /** Best effort fchown(2): gives the file an owner when we are allowed to (EPERM as non-root is ignored). */
    public static void fchownQuietly(int fd, int uid, int gid) {
        try {
            FileLibc.fchown(fd, uid, gid);
        } catch (LastErrorException ignored) {
            // the file keeps our own owner
        }
    }

    /** futimens(2): access and modification time both set to {@code epochNanos}. */
    public static void setMtime(int fd, long epochNanos, String what) throws NativeException {
        long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
        long nsec = Math.floorMod(epochNanos, 1_000_000_000L);
        try {
            FileLibc.futimens(fd, new long[] {sec, nsec, sec, nsec});
        } catch (LastErrorException e) {
            throw NativeException.of("futimens(" + what + ")", e);
        }
    }

    /** access(2)'s X_OK. */
    public static final int X_OK = 1;

    /**
     * access(2) of a path for the caller's real ids, e.g. {@code access(script, X_OK)} before a hook
     * runs, as qemu-ga checks its fsfreeze hook.
     *
     * @throws NativeException with the real errno (ENOENT, EACCES, ENOTDIR, ELOOP…)
     */
    public static void access(String path, int mode) throws NativeException {
        try {
            FileLibc.access(path, mode);
        } catch (LastErrorException e) {
            throw NativeException.of("access(" + path + ")", e);
        }
    }

    /** rename(2). */
    public static void rename(String from, String to) throws NativeException {
        try {
            FileLibc.rename(from, to);
        } catch (LastErrorException e) {
            throw NativeException.of("rename(" + from + ", " + to + ")", e);
        }
    }

    /** unlink(2), errors ignored (already gone). */
    public static void unlinkQuietly(String path) {
        try {
            FileLibc.unlink(path);
        } catch (LastErrorException ignored) {
            // already gone
        }
    }

    /** fsync of a directory, so a rename in it is durable. */
    public static void syncDirectory(String dir) throws NativeException {
        int fd = open(dir, O_RDONLY | FileLibc.O_DIRECTORY, 0);
        try {
            fsync(fd, dir);
        } finally {
            closeQuietly(fd);
        }
    }

    /**
     * Blocking fcntl open-file-description lock on the whole file ({@code F_OFD_SETLKW}, {@code
     * l_len = 0}): conflicts with classic POSIX record locks ({@code F_SETLKW}), but belongs to the
     * descriptor, so closing another descriptor of the same file never drops it.
     */
    public static void lockRecord(int fd, boolean exclusive, String what) throws NativeException {
        byte[] fl = flock(exclusive ? FileLibc.F_WRLCK : FileLibc.F_RDLCK);
        while (true) {
            try {
                FileLibc.fcntl(fd, FileLibc.F_OFD_SETLKW, fl);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeException.of("fcntl(F_OFD_SETLKW, " + what + ")", e);
                }
            }
        }
    }

    /** Blocking flock(2) on the descriptor (BSD locks, which do not interact with fcntl locks). */
    public static void lockBsd(int fd, boolean exclusive, String what) throws NativeException {
        while (true) {
            try {
                FileLibc.flock(fd, exclusive ? FileLibc.LOCK_EX : FileLibc.LOCK_SH);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeException.of("flock(" + what + ")", e);
                }
            }
        }
    }

    /**
     * {@code struct flock} on LP64: short l_type, short l_whence, (pad), off_t l_start @8,
     * off_t l_len @16, pid_t l_pid @24 (0 for OFD locks), (pad) → 32 bytes, little-endian.
     */
    private static byte[] flock(short type) {
        byte[] b = new byte[32];
        b[0] = (byte) type;
        b[1] = (byte) (type >> 8);
        // l_whence = SEEK_SET (0), l_start = 0, l_len = 0 (to end of file, whatever its size), l_pid = 0
        return b;
    }
}
