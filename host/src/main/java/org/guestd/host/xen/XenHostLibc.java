// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** poll(2) for the xenstored emulator (guestd's native module has no poll facade). */
final class XenHostLibc {
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;

    static {
        Native.register(XenHostLibc.class, Platform.C_LIBRARY_NAME);
    }

    private XenHostLibc() {}

    private static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    /** poll(2) of one descriptor: the revents (0 on timeout; POLLIN on an error other than EINTR, so a read reports it). */
    static int poll(int fd, short events, int millis) {
        Memory p = new Memory(8);
        p.setInt(0, fd);
        p.setShort(4, events);
        p.setShort(6, (short) 0);
        while (true) {
            try {
                return poll(p, 1, millis) > 0 ? p.getShort(6) : 0;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 4) { // EINTR
                    return POLLIN;
                }
            }
        }
    }

    /** Whether {@code fd} is readable (or at end of file) within {@code millis} (0: now; -1: wait). */
    static boolean readable(int fd, int millis) {
        Memory p = new Memory(8);
        p.setInt(0, fd);
        p.setShort(4, POLLIN);
        p.setShort(6, (short) 0);
        while (true) {
            try {
                return poll(p, 1, millis) > 0;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 4) { // EINTR
                    return true; // let the read report it
                }
            }
        }
    }
}
