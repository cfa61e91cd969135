// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** The few glibc calls the emulators and the child launcher need beyond guestd's native module. */
final class HostLibc {
    static final short POLLIN = 0x1;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0x40;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;
    static final int WNOHANG = 1;

    static {
        Native.register(HostLibc.class, Platform.C_LIBRARY_NAME);
    }

    private HostLibc() {}

    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    static native int posix_spawn_file_actions_init(Pointer actions);

    static native int posix_spawn_file_actions_destroy(Pointer actions);

    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

    static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int oflag, int mode);

    /** Returns an error number (not errno), 0 on success. */
    static native int posix_spawn(Pointer pid, String path, Pointer actions, Pointer attr, Pointer argv, Pointer envp);

    /** glibc 2.34+: close every descriptor from {@code from} up in the child. */
    static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int kill(int pid, int sig) throws LastErrorException;
}
