// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;

/**
 * socketpair(2). A SOCK_SEQPACKET pair is how tests and the host-side device emulators stand in
 * for a message-framed kernel device such as {@code /dev/vmbus/hv_kvp}: one write is one message.
 */
public final class SocketPairs {
    private SocketPairs() {}

    /** An AF_UNIX SOCK_SEQPACKET|SOCK_CLOEXEC pair (blocking); the caller closes both fds. */
    public static int[] seqpacket() throws NativeException {
        return pair(LinuxLibc.SOCK_SEQPACKET, "socketpair(AF_UNIX, SOCK_SEQPACKET)");
    }

    /** An AF_UNIX SOCK_STREAM|SOCK_CLOEXEC pair (blocking); the caller closes both fds. */
    public static int[] stream() throws NativeException {
        return pair(LinuxLibc.SOCK_STREAM, "socketpair(AF_UNIX, SOCK_STREAM)");
    }

    private static int[] pair(int type, String call) throws NativeException {
        LinuxNative.ensure(call);
        int[] sv = new int[2];
        try {
            LinuxLibc.socketpair(LinuxLibc.AF_UNIX, type | LinuxLibc.SOCK_CLOEXEC, 0, sv);
            return sv;
        } catch (LastErrorException e) {
            throw NativeException.of(call, e);
        }
    }
}
