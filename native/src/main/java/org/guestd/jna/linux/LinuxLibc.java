// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * glibc functions bound with JNA direct mapping ({@link Native#register}). Only what guestd
 * needs. The constants are the Linux values, identical on x86_64 and aarch64 (asm-generic), and
 * {@code size_t}/{@code ssize_t} are Java {@code long} because only LP64 targets are supported.
 *
 * <p>Functions that report failure through errno with a -1 (or error-number) result are declared
 * {@code throws LastErrorException}. Functions returning a pointer are not (a successful call may
 * leave a stale errno behind); their callers read {@link Native#getLastError()} after a
 * {@code NULL} result.
 *
 * <p>Loading this class registers the natives; if that fails the class cannot be initialised.
 * {@link LinuxNative#availability()} probes this once and never throws.
 */
final class LinuxLibc {
    static {
        Native.register(LinuxLibc.class, Platform.C_LIBRARY_NAME);
    }

    private LinuxLibc() {}

    // open(2) flags
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_NOCTTY = 0x100;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    // fcntl(2)
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int FD_CLOEXEC = 1;

    // socket(2)
    static final int AF_UNSPEC = 0;
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_VSOCK = 40;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_NONBLOCK = O_NONBLOCK;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    static final int SOL_SOCKET = 1;
    static final int SO_TYPE = 3;
    static final int NETLINK_ROUTE = 0;
    /** rtnetlink multicast groups (bits of sockaddr_nl.nl_groups). */
    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    static final int TFD_NONBLOCK = O_NONBLOCK;
    static final int TFD_CLOEXEC = O_CLOEXEC;
    static final int TFD_TIMER_ABSTIME = 1;
    static final int TFD_TIMER_CANCEL_ON_SET = 2;
    static final int MSG_TRUNC = 0x20;

    // time.h
    static final int CLOCK_REALTIME = 0;

    // termios.h (generic Linux; x86_64 and aarch64 glibc share this layout)
    static final int TCSANOW = 0;
    static final int TCIFLUSH = 0;

    /** open(2). */
    static native int open(String path, int flags) throws LastErrorException;

    /** close(2). */
    static native int close(int fd) throws LastErrorException;

    /** read(2): {@code ssize_t read(int fd, void *buf, size_t count)}. */
    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    /** write(2): {@code ssize_t write(int fd, const void *buf, size_t count)}. */
    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    /** fcntl(2) with an int argument (F_GETFL, F_SETFL, F_GETFD, F_SETFD). */
    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    /** ioctl(2) with a pointer argument. */
    static native int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

    /** socket(2). */
    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    /** socketpair(2). */
    static native int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException;

    /** bind(2). */
    static native int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    /** listen(2). */
    static native int listen(int fd, int backlog) throws LastErrorException;

    /** accept4(2); {@code addr} and {@code addrlen} may be null. */
    static native int accept4(int fd, Pointer addr, Pointer addrlen, int flags) throws LastErrorException;

    /** connect(2). */
    static native int connect(int fd, byte[] addr, int addrlen) throws LastErrorException;

    /** getsockname(2); {@code addrlen} is an in/out int. */
    static native int getsockname(int fd, byte[] addr, int[] addrlen) throws LastErrorException;

    /** getsockopt(2) for int options. */
    static native int getsockopt(int fd, int level, int name, int[] value, int[] len) throws LastErrorException;

    /** sendto(2). */
    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen)
            throws LastErrorException;

    /** recv(2). */
    static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;


    /** statvfs(3) into a caller-allocated buffer (see {@link Posix#statvfs}). */
    static native int statvfs(String path, Pointer buf) throws LastErrorException;

    /** uname(2) into a 390-byte (6 x 65) buffer. */
    static native int uname(Pointer buf) throws LastErrorException;

    /** if_indextoname(3): returns {@code buf} or NULL (errno ENXIO). Not declared to throw. */
    static native Pointer if_indextoname(int ifindex, Pointer buf);

    /** tcgetattr(3). */
    static native int tcgetattr(int fd, Pointer termios) throws LastErrorException;

    /** tcsetattr(3). */
    static native int tcsetattr(int fd, int action, Pointer termios) throws LastErrorException;

    /** cfmakeraw(3): no result, no errno. */
    static native void cfmakeraw(Pointer termios);

    /** cfsetispeed(3). */
    static native int cfsetispeed(Pointer termios, int speed) throws LastErrorException;

    /** cfsetospeed(3). */
    static native int cfsetospeed(Pointer termios, int speed) throws LastErrorException;

    /** tcflush(3). */
    static native int tcflush(int fd, int queue) throws LastErrorException;

    /** posix_openpt(3). */
    static native int posix_openpt(int flags) throws LastErrorException;

    /** grantpt(3). */
    static native int grantpt(int fd) throws LastErrorException;

    /** unlockpt(3). */
    static native int unlockpt(int fd) throws LastErrorException;

    /** clock_settime(2); {@code tp} is a struct timespec on LP64: {tv_sec, tv_nsec}. */
    static native int clock_settime(int clockId, long[] tp) throws LastErrorException;

    /** clock_gettime(2); {@code tp} receives a struct timespec on LP64: {tv_sec, tv_nsec}. */
    static native int clock_gettime(int clockId, long[] tp) throws LastErrorException;

    /** poll(2) over {@code nfds} struct pollfd {int fd; short events; short revents;}. */
    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    /** timerfd_create(2). */
    static native int timerfd_create(int clockId, int flags) throws LastErrorException;

    /** timerfd_settime(2); {@code value} is a struct itimerspec on LP64: {interval sec, nsec, value sec, nsec}. */
    static native int timerfd_settime(int fd, int flags, long[] value, long[] old) throws LastErrorException;

    /** ptsname_r(3): returns 0 or an error number; not declared to throw. */
    static native int ptsname_r(int fd, byte[] buf, long buflen);
}
