// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import java.util.Arrays;
import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A C stdio stream ({@code FILE *}) over a descriptor, so a program can keep stdio's exact
 * semantics (buffering, {@code feof}, {@code ferror}, the errno of a failed call) as qemu-ga's
 * guest-file-* commands have them. Not thread-safe: callers serialise the calls on one stream.
 *
 * <p>The results carry the errno of a failure ({@code 0} = none) instead of throwing, since the
 * caller reports it in its own words.
 */
public final class CStream {
    /** open(2) flags (asm-generic values). */
    public static final int O_RDONLY = LinuxLibc.O_RDONLY;
    public static final int O_WRONLY = LinuxLibc.O_WRONLY;
    public static final int O_RDWR = LinuxLibc.O_RDWR;
    public static final int O_CREAT = ProcLibc.O_CREAT;
    public static final int O_EXCL = ProcLibc.O_EXCL;
    public static final int O_TRUNC = ProcLibc.O_TRUNC;
    public static final int O_APPEND = ProcLibc.O_APPEND;
    public static final int O_NOCTTY = LinuxLibc.O_NOCTTY;
    public static final int O_NONBLOCK = LinuxLibc.O_NONBLOCK;
    public static final int O_CLOEXEC = LinuxLibc.O_CLOEXEC;

    /** Result of {@link #read}: the bytes read, {@code feof} after the read, and errno when {@code ferror}. */
    public record ReadResult(byte[] data, boolean eof, int errno) {}

    /** Result of {@link #write}: items written, {@code feof}, and errno when {@code ferror}. */
    public record WriteResult(long count, boolean eof, int errno) {}

    /** Result of {@link #seek}: errno of a failed fseek (0 = success), else {@code ftell} and {@code feof}. */
    public record SeekResult(int errno, long position, boolean eof) {
        /** ESPIPE: the stream cannot seek (a pipe or a FIFO). */
        public boolean isIllegalSeek() {
            return errno == Errno.ESPIPE;
        }
    }

    private Pointer fp;
    private final int fd;

    private CStream(Pointer fp, int fd) {
        this.fp = fp;
        this.fd = fd;
    }

    /** open(2) with a creation mode; returns the descriptor. */
    public static int open(String path, int flags, int mode) throws NativeException {
        String call = "open(" + path + ")";
        LinuxNative.ensure(call);
        try {
            return ProcLibc.open(path, flags, mode);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
    }

    /** fchmod(2). */
    public static void fchmod(int fd, int mode) throws NativeException {
        try {
            ProcLibc.fchmod(fd, mode);
        } catch (LastErrorException e) {
            throw NativeException.of("fchmod(" + fd + ")", e);
        }
    }

    /** close(2), errors ignored (for clean-up after a failed open). */
    public static void closeQuietly(int fd) {
        try {
            ProcLibc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing to do
        }
    }

    /** fdopen(3): a stream over {@code fd} with the fopen {@code mode}; the stream then owns the fd. */
    public static CStream fdopen(int fd, String mode) throws NativeException {
        Pointer p = ProcLibc.fdopen(fd, mode);
        if (p == null) {
            throw new NativeException("fdopen(" + fd + ")", Native.getLastError());
        }
        return new CStream(p, fd);
    }

    /** The descriptor under the stream. */
    public int fileno() {
        return fd;
    }

    /** {@code fread(buf, 1, count)}, then {@code feof}, {@code ferror} and {@code clearerr}. */
    public ReadResult read(int count) {
        byte[] buf = new byte[count];
        long n = count == 0 ? 0 : ProcLibc.fread(buf, 1, count, fp);
        int errno = Native.getLastError();
        boolean failed = ProcLibc.ferror(fp) != 0;
        boolean eof = ProcLibc.feof(fp) != 0;
        ProcLibc.clearerr(fp);
        byte[] data = n == count ? buf : Arrays.copyOf(buf, (int) n);
        return new ReadResult(data, eof, failed ? nonZero(errno) : 0);
    }

    /** {@code fwrite(buf, 1, count)}, then {@code feof}, {@code ferror} and {@code clearerr}. */
    public WriteResult write(byte[] buf, int count) {
        long n = count == 0 ? 0 : ProcLibc.fwrite(buf, 1, count, fp);
        int errno = Native.getLastError();
        boolean failed = ProcLibc.ferror(fp) != 0;
        boolean eof = ProcLibc.feof(fp) != 0;
        ProcLibc.clearerr(fp);
        return new WriteResult(n, eof, failed ? nonZero(errno) : 0);
    }

    /** {@code fseek} (no clearerr: see {@link #clearErrors}). */
    public SeekResult seek(long offset, int whence) {
        int ret = ProcLibc.fseeko(fp, offset, whence);
        if (ret == -1) {
            return new SeekResult(nonZero(Native.getLastError()), -1, false);
        }
        long pos = ProcLibc.ftello(fp);
        return new SeekResult(0, pos, ProcLibc.feof(fp) != 0);
    }

    /** {@code clearerr}. */
    public void clearErrors() {
        ProcLibc.clearerr(fp);
    }

    /** {@code fflush}: 0 or the errno. */
    public int flush() {
        return ProcLibc.fflush(fp) == 0 ? 0 : nonZero(Native.getLastError());
    }

    /** {@code fclose}: 0 or the errno. The stream is unusable afterwards either way. */
    public int close() {
        Pointer p = fp;
        fp = null;
        if (p == null) {
            return 0;
        }
        return ProcLibc.fclose(p) == 0 ? 0 : nonZero(Native.getLastError());
    }

    /** glibc's strerror text for {@code errno} ({@code "Success"} for 0), in the C locale. */
    public static String strerror(int errno) {
        String s = ProcLibc.strerror(errno);
        return s == null ? "Unknown error " + errno : s;
    }

    private static int nonZero(int errno) {
        return errno == 0 ? Errno.EIO : errno;
    }
}
