// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code xsd_sockmsg}: the 16-byte header ({@code type, req_id, tx_id, len}, each a uint32 in
 * the host's byte order, little-endian on every platform guestd runs on) and {@code len} payload
 * bytes. {@code type} is the raw wire value (see {@link XsType#of}); ids are unsigned on the wire
 * and kept here as the same 32 bits.
 */
public record XsMessage(int type, int reqId, int txId, byte[] payload) {
    /** Size of the header. */
    public static final int HEADER = 16;
    /** {@code XENSTORE_PAYLOAD_MAX}: the largest payload xenstored accepts or sends. */
    public static final int PAYLOAD_MAX = 4096;
    /**
     * The largest payload the Linux xenbus device takes: it buffers header and payload together in
     * {@code XENSTORE_PAYLOAD_MAX} bytes and fails a longer write with E2BIG.
     */
    public static final int DEVICE_PAYLOAD_MAX = PAYLOAD_MAX - HEADER;

    /** A message of a known type. */
    public static XsMessage of(XsType type, int reqId, int txId, byte[] payload) {
        return new XsMessage(type.code(), reqId, txId, payload);
    }

    /** The known type, or null. */
    public XsType knownType() {
        return XsType.of(type);
    }

    /** Header and payload as one little-endian buffer (position 0, ready to write). */
    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(reqId).putInt(txId).putInt(payload.length).put(payload).flip();
        return b;
    }

    /**
     * The payload as NUL-separated strings: {@code "a\0b\0"} → [a, b]; a last part without its NUL
     * is kept ({@code "a\0b"} → [a, b]); an empty payload → [].
     */
    public List<String> strings() {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                out.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < payload.length) {
            out.add(new String(payload, start, payload.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The payload up to its first NUL (or all of it), as UTF-8: an error name, a transaction id. */
    public String firstString() {
        int end = 0;
        while (end < payload.length && payload[end] != 0) {
            end++;
        }
        return new String(payload, 0, end, StandardCharsets.UTF_8);
    }

    /** For logs: type name, ids and length, never the payload. */
    @Override
    public String toString() {
        XsType t = knownType();
        return (t == null ? "type " + Integer.toUnsignedString(type) : t.name()) + " req " + Integer.toUnsignedString(reqId)
                + " tx " + Integer.toUnsignedString(txId) + " len " + payload.length;
    }
}
