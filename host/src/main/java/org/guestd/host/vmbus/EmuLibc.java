// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.vmbus;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** poll(2) for the emulator's wait on the guest's 4-byte writes. */
final class EmuLibc {
    static final short POLLIN = 0x1;

    static {
        Native.register(EmuLibc.class, Platform.C_LIBRARY_NAME);
    }

    private EmuLibc() {}

    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;
}
