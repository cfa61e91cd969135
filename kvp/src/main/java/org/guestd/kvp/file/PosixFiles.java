// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * Descriptor-level file calls for the pool files. Every failure is an {@link ErrnoException}
 * naming the call, its object and errno. EINTR is retried where a call can return it.
 */
public final class PosixFiles {
    /** errno values the store looks at. */
    public static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EPERM = 1;
    static final int EINVAL = 22;

    private PosixFiles() {}

    /** A failed call with its errno. */
    public static final class ErrnoException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        ErrnoException(String call, LastErrorException e) {
            super(call + " failed: errno " + e.getErrorCode() + " (" + e.getMessage() + ")", e);
            this.errno = e.getErrorCode();
        }

        /** The positive errno value. */
        public int errno() {
            return errno;
        }
    }

    static int open(String path, int flags, int mode) throws ErrnoException {
        while (true) {
            try {
                return Libc.open(path, flags | Libc.O_CLOEXEC, mode);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new ErrnoException("open(" + path + ")", e);
                }
            }
        }
    }

    static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // close errors on a descriptor we only read or already fsynced carry no information
            }
        }
    }

    static void close(int fd, String what) throws ErrnoException {
        try {
            Libc.close(fd);
        } catch (LastErrorException e) {
            throw new ErrnoException("close(" + what + ")", e);
        }
    }

    static Stat fstat(int fd, String what) throws ErrnoException {
        byte[] b = new byte[Stat.BUFFER];
        try {
            Libc.fstat(fd, b);
        } catch (LastErrorException e) {
            throw new ErrnoException("fstat(" + what + ")", e);
        }
        return Stat.parse(b);
    }

    /** stat(2) of a path; null when it does not exist. */
    public static Stat stat(String path) throws ErrnoException {
        byte[] b = new byte[Stat.BUFFER];
        try {
            Libc.stat(path, b);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOENT) {
                return null;
            }
            throw new ErrnoException("stat(" + path + ")", e);
        }
        return Stat.parse(b);
    }

    /** Reads exactly {@code length} bytes from offset 0 (fewer only at end of file). */
    static byte[] readAll(int fd, int length, String what) throws ErrnoException {
        byte[] buf = new byte[length];
        int done = 0;
        while (done < length) {
            byte[] chunk = done == 0 ? buf : new byte[length - done];
            long n;
            try {
                n = Libc.pread(fd, chunk, length - done, done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new ErrnoException("pread(" + what + ")", e);
            }
            if (n <= 0) {
                break;
            }
            if (chunk != buf) {
                System.arraycopy(chunk, 0, buf, done, (int) n);
            }
            done += (int) n;
        }
        if (done < length) {
            byte[] shorter = new byte[done];
            System.arraycopy(buf, 0, shorter, 0, done);
            return shorter;
        }
        return buf;
    }

    static void writeAll(int fd, byte[] data, String what) throws ErrnoException {
        int done = 0;
        while (done < data.length) {
            byte[] chunk = done == 0 ? data : java.util.Arrays.copyOfRange(data, done, data.length);
            try {
                done += (int) Libc.write(fd, chunk, chunk.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new ErrnoException("write(" + what + ")", e);
                }
            }
        }
    }

    /** pwrite(2) of all of {@code data} at {@code offset} (short writes continued, EINTR retried). */
    static void pwriteAll(int fd, byte[] data, long offset, String what) throws ErrnoException {
        int done = 0;
        while (done < data.length) {
            byte[] chunk = done == 0 ? data : java.util.Arrays.copyOfRange(data, done, data.length);
            try {
                done += (int) Libc.pwrite(fd, chunk, chunk.length, offset + done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new ErrnoException("pwrite(" + what + ")", e);
                }
            }
        }
    }

    static void fdatasync(int fd, String what) throws ErrnoException {
        try {
            Libc.fdatasync(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINVAL) {
                throw new ErrnoException("fdatasync(" + what + ")", e);
            }
        }
    }

    static void ftruncate(int fd, long length, String what) throws ErrnoException {
        while (true) {
            try {
                Libc.ftruncate(fd, length);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new ErrnoException("ftruncate(" + what + ")", e);
                }
            }
        }
    }

    static void fsync(int fd, String what) throws ErrnoException {
        try {
            Libc.fsync(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINVAL) { // EINVAL: the file system does not support sync
                throw new ErrnoException("fsync(" + what + ")", e);
            }
        }
    }

    static void fchmod(int fd, int mode, String what) throws ErrnoException {
        try {
            Libc.fchmod(fd, mode);
        } catch (LastErrorException e) {
            throw new ErrnoException("fchmod(" + what + ")", e);
        }
    }

    /** Best effort: gives the file an owner, when we are allowed to. */
    static void fchownQuietly(int fd, int uid, int gid) {
        try {
            Libc.fchown(fd, uid, gid);
        } catch (LastErrorException ignored) {
            // EPERM as a non-root user: the new file keeps our own owner
        }
    }

    static void setMtime(int fd, long epochNanos, String what) throws ErrnoException {
        long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
        long nsec = Math.floorMod(epochNanos, 1_000_000_000L);
        try {
            Libc.futimens(fd, new long[] {sec, nsec, sec, nsec});
        } catch (LastErrorException e) {
            throw new ErrnoException("futimens(" + what + ")", e);
        }
    }

    static void rename(String from, String to) throws ErrnoException {
        try {
            Libc.rename(from, to);
        } catch (LastErrorException e) {
            throw new ErrnoException("rename(" + from + ", " + to + ")", e);
        }
    }

    static void unlinkQuietly(String path) {
        try {
            Libc.unlink(path);
        } catch (LastErrorException ignored) {
            // already gone
        }
    }

    /** fsync of a directory, so a rename in it is durable. */
    static void syncDirectory(String dir) throws ErrnoException {
        int fd = open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY, 0);
        try {
            fsync(fd, dir);
        } finally {
            closeQuietly(fd);
        }
    }

    /** Blocking fcntl open-file-description lock on the whole file ({@code l_len = 0}). */
    static void lockRecord(int fd, boolean exclusive, String what) throws ErrnoException {
        byte[] fl = flock(exclusive ? Libc.F_WRLCK : Libc.F_RDLCK);
        while (true) {
            try {
                Libc.fcntl(fd, Libc.F_OFD_SETLKW, fl);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new ErrnoException("fcntl(F_OFD_SETLKW, " + what + ")", e);
                }
            }
        }
    }

    /** flock(2) on the same descriptor, for writers that use BSD locks (cloud-init). */
    static void lockBsd(int fd, boolean exclusive, String what) throws ErrnoException {
        while (true) {
            try {
                Libc.flock(fd, exclusive ? Libc.LOCK_EX : Libc.LOCK_SH);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new ErrnoException("flock(" + what + ")", e);
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
