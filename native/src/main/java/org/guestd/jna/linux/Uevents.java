// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel's device events (uevents: a device added, removed, bound) as they are broadcast on a
 * NETLINK_KOBJECT_UEVENT socket, for the event loop to watch instead of polling for a device that
 * went away (a rescinded VMBus channel comes back as a new device). Non-blocking, close-on-exec.
 */
public final class Uevents {
    static final int NETLINK_KOBJECT_UEVENT = 15;
    /** The kernel's own broadcast group (udev re-broadcasts on group 2 in its own format). */
    static final int GROUP_KERNEL = 1;

    private Uevents() {}

    /** A socket subscribed to the kernel's uevents. */
    public static int open() throws NativeException {
        String call = "socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT)";
        LinuxNative.ensure(call);
        int fd;
        try {
            fd = LinuxLibc.socket(LinuxLibc.AF_NETLINK,
                    LinuxLibc.SOCK_RAW | LinuxLibc.SOCK_NONBLOCK | LinuxLibc.SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
        ByteBuffer addr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        addr.putShort((short) LinuxLibc.AF_NETLINK).putShort((short) 0).putInt(0).putInt(GROUP_KERNEL);
        try {
            LinuxLibc.bind(fd, addr.array(), 12);
        } catch (LastErrorException e) {
            KernelEvents.closeQuietly(fd);
            throw NativeException.of("bind(netlink uevent group 1)", e);
        }
        return fd;
    }
}
