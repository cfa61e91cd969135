// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * glibc functions for files a program shares with other daemons (the Hyper-V KVP pools): calls on
 * descriptors the JDK does not expose (fcntl record locks, flock, fstat, futimens, fchown,
 * pread/pwrite) and getaddrinfo, bound with JNA direct mapping like {@link LinuxLibc}. Only the
 * facades {@link PosixFiles} and {@link Resolver} use them. LP64 only: {@code size_t}/{@code off_t}
 * are {@code long}.
 */
final class FileLibc {
    static {
        Native.register(FileLibc.class, Platform.C_LIBRARY_NAME);
    }

    private FileLibc() {}

    static final int O_DIRECTORY = 0x10000;

    /** fcntl(2) open-file-description locks (Linux 3.15+); they conflict with classic POSIX locks. */
    static final int F_OFD_SETLKW = 38;
    static final short F_RDLCK = 0;
    static final short F_WRLCK = 1;

    /** flock(2) operations. */
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long pread(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native long pwrite(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    static native int fsync(int fd) throws LastErrorException;

    static native int fdatasync(int fd) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    /** {@code struct stat} into a byte buffer (glibc 2.33+ exports fstat/stat as functions). */
    static native int fstat(int fd, byte[] statbuf) throws LastErrorException;

    static native int stat(String path, byte[] statbuf) throws LastErrorException;

    static native int rename(String from, String to) throws LastErrorException;

    static native int access(String path, int mode) throws LastErrorException;

    static native int unlink(String path) throws LastErrorException;

    static native int fchmod(int fd, int mode) throws LastErrorException;

    static native int fchown(int fd, int uid, int gid) throws LastErrorException;

    /** fcntl with a {@code struct flock} (32 bytes on LP64). */
    static native int fcntl(int fd, int cmd, byte[] flock) throws LastErrorException;

    static native int flock(int fd, int operation) throws LastErrorException;

    /** futimens(2): {@code times} = {atime sec, atime nsec, mtime sec, mtime nsec}. */
    static native int futimens(int fd, long[] times) throws LastErrorException;

    /** getaddrinfo(3): returns 0 or an EAI_* code (not errno); not declared to throw. */
    static native int getaddrinfo(String node, String service, Pointer hints, Pointer res);

    static native void freeaddrinfo(Pointer res);

    static native String gai_strerror(int code);
}
