// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.file;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few glibc calls the pool files need, bound with JNA direct mapping. They live here rather
 * than in {@code native}'s {@code LinuxLibc} because they serve only the KVP store (file
 * descriptors the JDK does not expose: fcntl record locks, flock, fstat, futimens, fchown).
 * Linux LP64 only (x86_64, aarch64): {@code size_t}/{@code off_t} are {@code long}.
 */
final class Libc {
    static {
        Native.register(Libc.class, Platform.C_LIBRARY_NAME);
    }

    private Libc() {}

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_TRUNC = 0x200;
    static final int O_DIRECTORY = 0x10000;
    static final int O_CLOEXEC = 0x80000;

    /** fcntl(2) open-file-description locks (Linux 3.15+); they conflict with classic POSIX locks. */
    static final int F_OFD_GETLK = 36;
    static final int F_OFD_SETLK = 37;
    static final int F_OFD_SETLKW = 38;
    static final short F_RDLCK = 0;
    static final short F_WRLCK = 1;
    static final short F_UNLCK = 2;

    /** flock(2) operations. */
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;

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

    static native int unlink(String path) throws LastErrorException;

    static native int fchmod(int fd, int mode) throws LastErrorException;

    static native int fchown(int fd, int uid, int gid) throws LastErrorException;

    static native int geteuid();

    /** fcntl with a {@code struct flock} (32 bytes on LP64). */
    static native int fcntl(int fd, int cmd, byte[] flock) throws LastErrorException;

    static native int flock(int fd, int operation) throws LastErrorException;

    /** futimens(2): {@code times} = {atime sec, atime nsec, mtime sec, mtime nsec}. */
    static native int futimens(int fd, long[] times) throws LastErrorException;

    /** socket(2), sendto(2), recv(2): the rtnetlink route dump of the KVP intrinsics. */
    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen)
            throws LastErrorException;

    static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    static native int getaddrinfo(String node, String service, Pointer hints, Pointer res);

    static native void freeaddrinfo(Pointer res);

    static native String gai_strerror(int code);
}
