// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The emulator's own view of {@code xsd_sockmsg} (Xen 4.17 {@code xs_wire.h}), written from
 * {@code shared/reference/xen-xenstore.md} independently of the xen module's codec: a 16-byte
 * little-endian header {@code type, req_id, tx_id, len} and {@code len} payload bytes.
 */
public final class XsWire {
    public static final int HEADER = 16;
    public static final int PAYLOAD_MAX = 4096;

    public static final int CONTROL = 0;
    public static final int DIRECTORY = 1;
    public static final int READ = 2;
    public static final int GET_PERMS = 3;
    public static final int WATCH = 4;
    public static final int UNWATCH = 5;
    public static final int TRANSACTION_START = 6;
    public static final int TRANSACTION_END = 7;
    public static final int GET_DOMAIN_PATH = 10;
    public static final int WRITE = 11;
    public static final int MKDIR = 12;
    public static final int RM = 13;
    public static final int SET_PERMS = 14;
    public static final int WATCH_EVENT = 15;
    public static final int ERROR = 16;
    public static final int RESET_WATCHES = 21;

    private XsWire() {}

    /** One message. */
    public record Msg(int type, int reqId, int txId, byte[] payload) {
        /** The payload split at NULs (a trailing part without NUL kept). */
        public List<String> parts() {
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

        /** Header + payload. */
        public byte[] bytes() {
            ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(type).putInt(reqId).putInt(txId).putInt(payload.length).put(payload);
            return b.array();
        }
    }

    /** NUL-terminated UTF-8 strings, concatenated. */
    public static byte[] strings(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(p).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reassembles messages from a byte stream. */
    public static final class Framer {
        private byte[] buf = new byte[8192];
        private int len;

        /** Appends bytes read from the stream. */
        public void add(byte[] data, int off, int n) {
            if (len + n > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, len + n)];
                System.arraycopy(buf, 0, bigger, 0, len);
                buf = bigger;
            }
            System.arraycopy(data, off, buf, len, n);
            len += n;
        }

        /** The announced payload length of the buffered header, or -1 without a whole header. */
        public long announcedLength() {
            if (len < HEADER) {
                return -1;
            }
            return Integer.toUnsignedLong(ByteBuffer.wrap(buf, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        }

        /** The next whole message, or null. */
        public Msg next() {
            long plen = announcedLength();
            if (plen < 0 || len < HEADER + plen) {
                return null;
            }
            ByteBuffer h = ByteBuffer.wrap(buf, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
            int type = h.getInt();
            int req = h.getInt();
            int tx = h.getInt();
            byte[] payload = new byte[(int) plen];
            System.arraycopy(buf, HEADER, payload, 0, (int) plen);
            int used = HEADER + (int) plen;
            System.arraycopy(buf, used, buf, 0, len - used);
            len -= used;
            return new Msg(type, req, tx, payload);
        }
    }
}
