// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Frames the byte stream read from the xenbus device into {@link XsMessage}s, whatever the read
 * boundaries: one read may hold several messages, or part of one. A header whose length exceeds
 * {@link XsMessage#PAYLOAD_MAX} cannot come from xenstored or the kernel; after it the stream
 * cannot be trusted, so {@link #feed} throws {@link XsFramingException} and the decoder refuses
 * further input until {@link #reset()} (the client then reopens the channel).
 */
public final class XsDecoder {
    private final ByteBuffer header = ByteBuffer.allocate(XsMessage.HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] payload;
    private int filled;
    private int type;
    private int reqId;
    private int txId;
    private boolean broken;

    /**
     * Consumes all of {@code data}, handing each completed message to {@code sink} in stream order.
     *
     * @throws XsFramingException on an impossible length (the rest of {@code data} is dropped)
     */
    public void feed(ByteBuffer data, Consumer<XsMessage> sink) {
        if (broken) {
            throw new XsFramingException("the stream is out of step (reset needed)");
        }
        while (data.hasRemaining()) {
            if (payload == null) {
                while (header.hasRemaining() && data.hasRemaining()) {
                    header.put(data.get());
                }
                if (header.hasRemaining()) {
                    return;
                }
                header.flip();
                type = header.getInt();
                reqId = header.getInt();
                txId = header.getInt();
                int len = header.getInt();
                header.clear();
                if (len < 0 || len > XsMessage.PAYLOAD_MAX) {
                    broken = true;
                    throw new XsFramingException("a header announcing " + Integer.toUnsignedString(len)
                            + " payload bytes (type " + Integer.toUnsignedString(type) + "); at most "
                            + XsMessage.PAYLOAD_MAX + " are possible");
                }
                payload = new byte[len];
                filled = 0;
            }
            int n = Math.min(payload.length - filled, data.remaining());
            data.get(payload, filled, n);
            filled += n;
            if (filled == payload.length) {
                XsMessage m = new XsMessage(type, reqId, txId, payload);
                payload = null;
                sink.accept(m);
            }
        }
    }

    /** True while part of a message is buffered. */
    public boolean midMessage() {
        return payload != null || header.position() > 0;
    }

    /** Forgets any partial message and accepts input again (a new channel). */
    public void reset() {
        header.clear();
        payload = null;
        filled = 0;
        broken = false;
    }
}
