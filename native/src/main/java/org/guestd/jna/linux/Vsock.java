// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * AF_VSOCK stream sockets. {@code struct sockaddr_vm} is 16 bytes: family (u16), reserved (u16),
 * port (u32), cid (u32), flags (u8), 3 zero bytes, in host byte order.
 */
public final class Vsock {
    /** VMADDR_CID_ANY: bind to any CID. */
    public static final int CID_ANY = -1;
    /** VMADDR_CID_LOCAL: the loopback CID (needs the vsock_loopback transport). */
    public static final int CID_LOCAL = 1;
    /** VMADDR_CID_HOST. */
    public static final int CID_HOST = 2;
    /** VMADDR_PORT_ANY: let the kernel pick a port. */
    public static final int PORT_ANY = -1;

    private static final int SOCKADDR_VM_SIZE = 16;

    private Vsock() {}

    /**
     * socket(AF_VSOCK, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC), bind, listen. Throws
     * {@code socket(AF_VSOCK) failed: EAFNOSUPPORT (...)} where vsock is not available.
     */
    public static int listen(int cid, int port, int backlog) throws NativeException {
        String where = "(" + Integer.toUnsignedString(cid) + ":" + Integer.toUnsignedString(port) + ")";
        int fd = socket("socket(AF_VSOCK)", LinuxLibc.SOCK_NONBLOCK);
        try {
            try {
                LinuxLibc.bind(fd, sockaddr(cid, port), SOCKADDR_VM_SIZE);
            } catch (LastErrorException e) {
                throw NativeException.of("bind" + where, e);
            }
            try {
                LinuxLibc.listen(fd, backlog);
            } catch (LastErrorException e) {
                throw NativeException.of("listen" + where, e);
            }
            return fd;
        } catch (NativeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC: the new fd, or -1 when no connection is pending. */
    public static int accept(int listenFd) throws NativeException {
        while (true) {
            try {
                return LinuxLibc.accept4(listenFd, null, null, LinuxLibc.SOCK_NONBLOCK | LinuxLibc.SOCK_CLOEXEC);
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == Errno.EINTR || errno == Errno.ECONNABORTED) {
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    return -1;
                }
                throw NativeException.of("accept4(" + listenFd + ")", e);
            }
        }
    }

    /** Blocking connect to {@code cid:port} (for tests and host tools); returns the fd (blocking). */
    public static int connect(int cid, int port) throws NativeException {
        int fd = socket("socket(AF_VSOCK)", 0);
        try {
            LinuxLibc.connect(fd, sockaddr(cid, port), SOCKADDR_VM_SIZE);
            return fd;
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw NativeException.of("connect(" + Integer.toUnsignedString(cid) + ":"
                    + Integer.toUnsignedString(port) + ")", e);
        }
    }

    /** The port a vsock socket is bound to (getsockname). */
    public static int localPort(int fd) throws NativeException {
        byte[] addr = new byte[SOCKADDR_VM_SIZE];
        try {
            LinuxLibc.getsockname(fd, addr, new int[] {SOCKADDR_VM_SIZE});
        } catch (LastErrorException e) {
            throw NativeException.of("getsockname(" + fd + ")", e);
        }
        return ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).getInt(4);
    }

    /** The 16-byte {@code struct sockaddr_vm} for {@code cid:port}. */
    static byte[] sockaddr(int cid, int port) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_VM_SIZE).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) LinuxLibc.AF_VSOCK);
        b.putInt(4, port);
        b.putInt(8, cid);
        return b.array();
    }

    private static int socket(String call, int extraFlags) throws NativeException {
        LinuxNative.ensure(call);
        try {
            return LinuxLibc.socket(LinuxLibc.AF_VSOCK, LinuxLibc.SOCK_STREAM | LinuxLibc.SOCK_CLOEXEC | extraFlags, 0);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LinuxLibc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing to do
        }
    }
}
