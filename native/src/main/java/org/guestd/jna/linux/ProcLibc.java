// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * glibc functions for files, processes and users, bound with JNA direct mapping like {@link
 * LinuxLibc}: stdio streams ({@code FILE *} as a {@link Pointer}), pipes, poll, posix_spawn,
 * waitpid, getpwnam_r and strerror. {@code size_t} is {@code long} (LP64 only).
 *
 * <p>stdio calls report errors through {@code ferror}/{@code errno}, so they are not declared
 * {@code throws LastErrorException}; their callers read {@link Native#getLastError()} right after.
 * posix_spawn* return an error number instead of setting errno.
 */
final class ProcLibc {
    static {
        Native.register(ProcLibc.class, Platform.C_LIBRARY_NAME);
    }

    private ProcLibc() {}

    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;

    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    // open(2) with a mode (variadic in C; passed like a fixed int on x86_64 and aarch64 Linux).
    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int fchmod(int fd, int mode) throws LastErrorException;

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int kill(int pid, int sig) throws LastErrorException;

    // stdio
    static native Pointer fdopen(int fd, String mode);

    static native long fread(byte[] buf, long size, long n, Pointer stream);

    static native long fwrite(byte[] buf, long size, long n, Pointer stream);

    static native int fseeko(Pointer stream, long offset, int whence);

    static native long ftello(Pointer stream);

    static native int feof(Pointer stream);

    static native int ferror(Pointer stream);

    static native void clearerr(Pointer stream);

    static native int fflush(Pointer stream);

    static native int fclose(Pointer stream);

    // processes
    static native int posix_spawn_file_actions_init(Pointer fa);

    static native int posix_spawn_file_actions_destroy(Pointer fa);

    static native int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);

    static native int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int flags, int mode);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

    static native int sigemptyset(Pointer set);

    static native int sigfillset(Pointer set);

    static native int posix_spawn(int[] pid, String path, Pointer fa, Pointer attr, Pointer argv, Pointer envp);

    // users
    static native int getpwnam_r(String name, Pointer pwd, Pointer buf, long buflen, Pointer result);

    static native String strerror(int errnum);
}
