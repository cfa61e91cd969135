// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * POSIX calls on plain values: descriptors as {@code int}, data in <em>direct</em>
 * {@link ByteBuffer}s. Every failure is a {@link NativeException} naming the call and errno.
 *
 * <p>{@link #read}, {@link #recv} and {@link #write} follow NIO's non-blocking conventions: they
 * use and advance the buffer's position, return the byte count, {@code 0} when the call would
 * block (EAGAIN) and {@code -1} at end of file. EINTR is retried.
 */
public final class Posix {
    /** open(2) flags (Linux values, identical on x86_64 and aarch64). */
    public static final int O_RDONLY = LinuxLibc.O_RDONLY;
    /** O_WRONLY. */
    public static final int O_WRONLY = LinuxLibc.O_WRONLY;
    /** O_RDWR. */
    public static final int O_RDWR = LinuxLibc.O_RDWR;
    /** O_NOCTTY. */
    public static final int O_NOCTTY = LinuxLibc.O_NOCTTY;
    /** O_NONBLOCK. */
    public static final int O_NONBLOCK = LinuxLibc.O_NONBLOCK;
    /** O_CLOEXEC. */
    public static final int O_CLOEXEC = LinuxLibc.O_CLOEXEC;
    /** recv(2) flag: return the real length of a datagram/message even when it was truncated. */
    public static final int MSG_TRUNC = LinuxLibc.MSG_TRUNC;
    /** Socket types returned by {@link #socketType}. */
    public static final int SOCK_STREAM = LinuxLibc.SOCK_STREAM;
    /** SOCK_DGRAM. */
    public static final int SOCK_DGRAM = LinuxLibc.SOCK_DGRAM;
    /** SOCK_SEQPACKET. */
    public static final int SOCK_SEQPACKET = LinuxLibc.SOCK_SEQPACKET;

    // glibc struct statvfs on LP64 (x86_64 and aarch64): 11 unsigned longs, then f_type + spare.
    private static final int STATVFS_SIZE = 256; // real size 112; generous
    private static final int UTS_FIELD = 65;

    private Posix() {}

    /** statvfs(3) of {@code path}. */
    public static StatVfs statvfs(String path) throws NativeException {
        String call = "statvfs(" + path + ")";
        LinuxNative.ensure(call);
        try (Memory m = new Memory(STATVFS_SIZE)) {
            m.clear();
            LinuxLibc.statvfs(path, m);
            return new StatVfs(m.getLong(0), m.getLong(8), m.getLong(16), m.getLong(24), m.getLong(32),
                    m.getLong(40), m.getLong(48), m.getLong(72), m.getLong(80));
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
    }

    /** uname(2). */
    public static Utsname uname() throws NativeException {
        LinuxNative.ensure("uname");
        try (Memory m = new Memory(6 * UTS_FIELD)) {
            m.clear();
            LinuxLibc.uname(m);
            byte[] b = m.getByteArray(0, 6 * UTS_FIELD);
            return new Utsname(cString(b, 0, UTS_FIELD), cString(b, UTS_FIELD, UTS_FIELD),
                    cString(b, 2 * UTS_FIELD, UTS_FIELD), cString(b, 3 * UTS_FIELD, UTS_FIELD),
                    cString(b, 4 * UTS_FIELD, UTS_FIELD));
        } catch (LastErrorException e) {
            throw NativeException.of("uname", e);
        }
    }

    /** if_indextoname(3): the interface name of {@code ifindex}; ENXIO when there is none. */
    public static String ifIndexToName(int ifindex) throws NativeException {
        String call = "if_indextoname(" + ifindex + ")";
        LinuxNative.ensure(call);
        try (Memory m = new Memory(32)) { // IF_NAMESIZE is 16
            m.clear();
            if (LinuxLibc.if_indextoname(ifindex, m) == null) {
                int errno = Native.getLastError();
                throw new NativeException(call, errno == 0 ? Errno.ENXIO : errno);
            }
            return cString(m.getByteArray(0, 32), 0, 32);
        }
    }

    /**
     * clock_settime(CLOCK_REALTIME): steps the wall clock to {@code nanos} since the epoch (needs
     * CAP_SYS_TIME; EPERM otherwise).
     */
    public static void clockSetRealtime(long nanos) throws NativeException {
        String call = "clock_settime(CLOCK_REALTIME)";
        LinuxNative.ensure(call);
        long[] ts = {Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)};
        try {
            LinuxLibc.clock_settime(LinuxLibc.CLOCK_REALTIME, ts);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
    }

    /** open(2) of {@code path} with {@code flags} (e.g. {@code O_RDWR | O_NONBLOCK}); returns the fd. */
    public static int openFd(String path, int flags) throws NativeException {
        String call = "open(" + path + ")";
        LinuxNative.ensure(call);
        try {
            return LinuxLibc.open(path, flags);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
    }

    /** close(2). */
    public static void close(int fd) throws NativeException {
        try {
            LinuxLibc.close(fd);
        } catch (LastErrorException e) {
            throw NativeException.of("close(" + fd + ")", e);
        }
    }

    /** Sets O_NONBLOCK and FD_CLOEXEC on an inherited descriptor. */
    public static void setNonBlockingCloexec(int fd) throws NativeException {
        LinuxNative.ensure("fcntl(" + fd + ")");
        try {
            int fl = LinuxLibc.fcntl(fd, LinuxLibc.F_GETFL, 0);
            if ((fl & LinuxLibc.O_NONBLOCK) == 0) {
                LinuxLibc.fcntl(fd, LinuxLibc.F_SETFL, fl | LinuxLibc.O_NONBLOCK);
            }
            int fdfl = LinuxLibc.fcntl(fd, LinuxLibc.F_GETFD, 0);
            LinuxLibc.fcntl(fd, LinuxLibc.F_SETFD, fdfl | LinuxLibc.FD_CLOEXEC);
        } catch (LastErrorException e) {
            throw NativeException.of("fcntl(" + fd + ")", e);
        }
    }

    /** The socket type (SOCK_STREAM, SOCK_SEQPACKET, ...) of {@code fd}, or -1 when it is not a socket. */
    public static int socketType(int fd) throws NativeException {
        String call = "getsockopt(" + fd + ", SO_TYPE)";
        LinuxNative.ensure(call);
        int[] value = new int[1];
        try {
            LinuxLibc.getsockopt(fd, LinuxLibc.SOL_SOCKET, LinuxLibc.SO_TYPE, value, new int[] {4});
            return value[0];
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOTSOCK) {
                return -1;
            }
            throw NativeException.of(call, e);
        }
    }

    /** read(2) into {@code buf} (direct). Returns bytes read, 0 if it would block, -1 at end of file. */
    public static int read(int fd, ByteBuffer buf) throws NativeException {
        return recv0(fd, buf, -1);
    }

    /**
     * recv(2) into {@code buf} (direct). With {@link #MSG_TRUNC} on a datagram/seqpacket socket the
     * result is the message's real length, which may exceed what was stored. Returns 0 if it would
     * block, -1 at end of file.
     */
    public static int recv(int fd, ByteBuffer buf, int flags) throws NativeException {
        return recv0(fd, buf, flags);
    }

    private static int recv0(int fd, ByteBuffer buf, int flags) throws NativeException {
        int pos = buf.position();
        int len = buf.remaining();
        Pointer p = address(buf).share(pos);
        while (true) {
            try {
                long n = flags < 0 ? LinuxLibc.read(fd, p, len) : LinuxLibc.recv(fd, p, len, flags);
                if (n == 0) {
                    return -1;
                }
                buf.position(pos + (int) Math.min(n, len));
                return (int) n;
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    return 0;
                }
                throw NativeException.of((flags < 0 ? "read(" : "recv(") + fd + ")", e);
            }
        }
    }

    /** write(2) from {@code buf} (direct). Returns bytes written (position advanced), 0 if it would block. */
    public static int write(int fd, ByteBuffer buf) throws NativeException {
        int pos = buf.position();
        int len = buf.remaining();
        Pointer p = address(buf).share(pos);
        while (true) {
            try {
                long n = LinuxLibc.write(fd, p, len);
                buf.position(pos + (int) n);
                return (int) n;
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    return 0;
                }
                throw NativeException.of("write(" + fd + ")", e);
            }
        }
    }

    private static Pointer address(ByteBuffer buf) {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("a direct ByteBuffer is required");
        }
        return Native.getDirectBufferPointer(buf);
    }

    /** A NUL-terminated string of at most {@code max} bytes at {@code off}, decoded as UTF-8. */
    static String cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /**
     * Waits until {@code fd} is readable (poll(2), POLLIN) for at most {@code timeoutMillis}.
     *
     * @return true when readable; false on timeout or when interrupted (EINTR)
     */
    public static boolean awaitReadable(int fd, int timeoutMillis) throws NativeException {
        try (Memory pfd = new Memory(8)) {
            pfd.setInt(0, fd);
            pfd.setShort(4, (short) 0x1); // POLLIN
            pfd.setShort(6, (short) 0);
            return LinuxLibc.poll(pfd, 1, timeoutMillis) > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EINTR) {
                return false;
            }
            throw NativeException.of("poll", e);
        }
    }

    /** fcntl(F_DUPFD_CLOEXEC): a close-on-exec duplicate of {@code fd} numbered at least {@code min}. */
    public static int dupCloexec(int fd, int min) throws NativeException {
        try {
            return LinuxLibc.fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, min);
        } catch (LastErrorException e) {
            throw NativeException.of("fcntl(F_DUPFD_CLOEXEC)", e);
        }
    }

    /** POLLIN, POLLOUT for {@link #poll}. */
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;

    /**
     * poll(2) of one descriptor for {@code events} for at most {@code timeoutMillis} (-1: no limit),
     * EINTR retried.
     *
     * @return the revents (0 on timeout)
     */
    public static short poll(int fd, short events, int timeoutMillis) throws NativeException {
        try (Memory pfd = new Memory(8)) {
            pfd.setInt(0, fd);
            pfd.setShort(4, events);
            while (true) {
                pfd.setShort(6, (short) 0);
                try {
                    return LinuxLibc.poll(pfd, 1, timeoutMillis) > 0 ? pfd.getShort(6) : 0;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Errno.EINTR) {
                        throw NativeException.of("poll", e);
                    }
                }
            }
        }
    }
}
