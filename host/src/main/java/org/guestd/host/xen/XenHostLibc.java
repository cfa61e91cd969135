// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;

/** poll(2) for the xenstored emulator, through native's facade. */
final class XenHostLibc {
    static final short POLLIN = Posix.POLLIN;
    static final short POLLOUT = Posix.POLLOUT;

    private XenHostLibc() {}

    /** poll(2) of one descriptor: the revents (0 on timeout; POLLIN on an error, so a read reports it). */
    static int poll(int fd, short events, int millis) {
        try {
            return Posix.poll(fd, events, millis);
        } catch (NativeException e) {
            return POLLIN;
        }
    }

    /** Whether {@code fd} is readable (or at end of file) within {@code millis} (0: now; -1: wait). */
    static boolean readable(int fd, int millis) {
        return poll(fd, POLLIN, millis) != 0;
    }
}
