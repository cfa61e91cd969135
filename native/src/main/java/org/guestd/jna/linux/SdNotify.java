// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * sd_notify(3) without libsystemd: one AF_UNIX datagram with {@code KEY=VALUE} lines sent to the
 * socket named by {@code $NOTIFY_SOCKET} (systemd's {@code sd_notify.c} does the same). The JDK
 * cannot send AF_UNIX datagrams on Java 17, so this goes through socket(2) + sendto(2).
 *
 * <p>Addresses are a file-system path ({@code /run/systemd/notify}) or, when they start with
 * {@code @}, a Linux abstract-namespace name (the {@code @} becomes the leading NUL byte and the
 * address length covers exactly the name, with no terminating NUL). {@code struct sockaddr_un} is
 * {@code sa_family_t} (u16, host order) followed by 108 bytes of {@code sun_path}.
 */
public final class SdNotify {
    /** Size of {@code sun_path} in {@code struct sockaddr_un}. */
    static final int SUN_PATH_MAX = 108;

    private SdNotify() {}

    /**
     * Sends {@code message} (e.g. {@code "READY=1\nSTATUS=serving"}) as one datagram to
     * {@code socket}. Blocking socket, but a datagram to a local AF_UNIX socket does not wait for
     * the receiver beyond its queue being full.
     *
     * @throws NativeException naming {@code sendto(<socket>)} and the errno, e.g. ECONNREFUSED when
     *     nothing is bound there, or EINVAL for an empty address or one that does not fit
     */
    public static void send(String socket, String message) throws NativeException {
        byte[] addr = sockaddr(socket);
        byte[] data = message.getBytes(StandardCharsets.UTF_8);
        LinuxNative.ensure("socket(AF_UNIX, SOCK_DGRAM)");
        int fd;
        try {
            fd = LinuxLibc.socket(LinuxLibc.AF_UNIX, LinuxLibc.SOCK_DGRAM | LinuxLibc.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw NativeException.of("socket(AF_UNIX, SOCK_DGRAM)", e);
        }
        try {
            while (true) {
                try {
                    LinuxLibc.sendto(fd, data, data.length, 0, addr, addr.length);
                    return;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Errno.EINTR) {
                        throw NativeException.of("sendto(" + socket + ")", e);
                    }
                }
            }
        } finally {
            try {
                LinuxLibc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing useful to do about a failed close of a datagram socket
            }
        }
    }

    /**
     * The {@code struct sockaddr_un} bytes for {@code socket}, exactly as long as the address
     * length passed to the kernel: 2 + path + NUL for a path, 2 + 1 + name for an abstract name.
     */
    static byte[] sockaddr(String socket) throws NativeException {
        boolean abstractName = socket.startsWith("@");
        byte[] name = (abstractName ? socket.substring(1) : socket).getBytes(StandardCharsets.UTF_8);
        if (socket.isEmpty() || name.length == 0 || name.length + 1 > SUN_PATH_MAX) {
            throw new NativeException("sendto(" + socket + ")", Errno.EINVAL,
                    "a unix socket address is 1 to " + (SUN_PATH_MAX - 1) + " bytes", null);
        }
        // path: family, name, NUL; abstract: family, NUL, name (no terminator)
        ByteBuffer b = ByteBuffer.allocate(2 + 1 + name.length).order(ByteOrder.nativeOrder());
        b.putShort((short) LinuxLibc.AF_UNIX);
        if (abstractName) {
            b.put((byte) 0).put(name);
        } else {
            b.put(name).put((byte) 0);
        }
        return b.array();
    }
}
