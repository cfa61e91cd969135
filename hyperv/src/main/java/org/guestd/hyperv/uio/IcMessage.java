// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import org.guestd.hyperv.Wire;

/**
 * The integration-component framing inside a VMBus packet's payload, read and answered in place
 * as the kernel's util drivers and the upstream UIO daemon do: {@code vmbuspipe_hdr} (flags,
 * msgsize; 8 bytes), {@code icmsg_hdr} (20 bytes), then the message from offset {@link #HEADER}.
 * A reply is the same buffer, same length, with {@code status} set and
 * {@code icflags = TRANSACTION | RESPONSE}; the IC transaction id and everything else stay as
 * the host sent them.
 */
public final class IcMessage {
    /** {@code ICMSG_HDR}: sizeof(vmbuspipe_hdr) + sizeof(icmsg_hdr). */
    public static final int HEADER = 28;
    static final int OFF_TYPE = 12;
    static final int OFF_MSG_SIZE = 18;
    static final int OFF_STATUS = 20;
    static final int OFF_TRANSACTION = 24;
    static final int OFF_FLAGS = 25;
    public static final int TYPE_NEGOTIATE = 0;
    public static final int TYPE_HEARTBEAT = 1;
    public static final int TYPE_KVP = 2;
    public static final int TYPE_SHUTDOWN = 3;
    public static final int TYPE_TIMESYNC = 4;
    public static final int TYPE_VSS = 5;
    public static final int TYPE_FCOPY = 7;
    public static final int FLAG_TRANSACTION = 1;
    public static final int FLAG_REQUEST = 2;
    public static final int FLAG_RESPONSE = 4;

    private IcMessage() {}

    /** Whether the payload holds at least the two headers. */
    public static boolean hasHeader(byte[] payload) {
        return payload.length >= HEADER;
    }

    /** {@code icmsgtype} (u16). */
    public static int type(byte[] payload) {
        return u16(payload, OFF_TYPE);
    }

    /** {@code ictransaction_id} (u8). */
    public static int transaction(byte[] payload) {
        return payload[OFF_TRANSACTION] & 0xff;
    }

    /** {@code icmsgsize} (u16). */
    public static int messageSize(byte[] payload) {
        return u16(payload, OFF_MSG_SIZE);
    }

    static void setMessageSize(byte[] payload, int size) {
        payload[OFF_MSG_SIZE] = (byte) size;
        payload[OFF_MSG_SIZE + 1] = (byte) (size >>> 8);
    }

    /** {@code status} (u32, an HV_* code). */
    public static int status(byte[] payload) {
        return Wire.u32(payload, OFF_STATUS);
    }

    /** Turns the request into its reply: status set, flags TRANSACTION | RESPONSE. */
    public static byte[] answer(byte[] payload, int status) {
        Wire.putU32(payload, OFF_STATUS, status);
        payload[OFF_FLAGS] = (byte) (FLAG_TRANSACTION | FLAG_RESPONSE);
        return payload;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }
}
