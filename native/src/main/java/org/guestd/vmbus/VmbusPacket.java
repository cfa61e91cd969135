// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import java.util.Objects;

/**
 * One VMBus packet as its 16-byte descriptor ({@code struct vmpacket_descriptor}) describes it:
 * type, flags, the 64-bit transaction id, and the payload (the bytes after the descriptor's
 * {@code offset8 * 8}, up to {@code len8 * 8}; for an in-band packet that is the whole message,
 * including any padding the sender added).
 */
public record VmbusPacket(int type, int flags, long transactionId, byte[] payload) {
    /** VM_PKT_DATA_INBAND: the payload travels in the ring. */
    public static final int TYPE_INBAND = 0x6;
    /** VM_PKT_COMP. */
    public static final int TYPE_COMPLETION = 0xb;

    public VmbusPacket {
        Objects.requireNonNull(payload, "payload");
        if (type < 0 || type > 0xffff || flags < 0 || flags > 0xffff) {
            throw new IllegalArgumentException("type/flags are u16: " + type + "/" + flags);
        }
    }

    /** An in-band packet answering {@code request}: its transaction id echoed, flags 0. */
    public static VmbusPacket replyTo(VmbusPacket request, byte[] payload) {
        return new VmbusPacket(TYPE_INBAND, 0, request.transactionId(), payload);
    }

    @Override
    public String toString() {
        return "VmbusPacket[type " + type + ", flags " + flags + ", xid " + Long.toUnsignedString(transactionId)
                + ", " + payload.length + " bytes]";
    }
}
