// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.vmbus;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Integration-component messages as the host sends them in a VMBus packet's payload:
 * {@code vmbuspipe_hdr} (8 bytes: flags, msgsize), {@code icmsg_hdr} (20 bytes: framework version,
 * message type at 12, message version, message size at 18, status at 20, transaction id at 24,
 * flags at 25) and the body from offset 28. The negotiate body and the file-copy bodies
 * ({@code hv_start_fcopy}, {@code hv_do_fcopy}, a bare {@code hv_fcopy_hdr}) with their names as
 * UTF-16LE arrays of 260 units.
 */
public final class IcMessages {
    public static final int HEADER = 28;
    public static final int TYPE_NEGOTIATE = 0;
    public static final int TYPE_HEARTBEAT = 1;
    public static final int TYPE_FCOPY = 7;
    public static final int FLAG_TRANSACTION = 1;
    public static final int FLAG_REQUEST = 2;
    public static final int FLAG_RESPONSE = 4;
    public static final int FCOPY_START = 0;
    public static final int FCOPY_WRITE = 1;
    public static final int FCOPY_COMPLETE = 2;
    public static final int FCOPY_CANCEL = 3;
    public static final int OVER_WRITE = 1;
    public static final int CREATE_PATH = 2;
    public static final int NAME_UNITS = 260;
    public static final int DATA_FRAGMENT = 6144;
    public static final int START_SIZE = 1088;
    public static final int WRITE_SIZE = 6196;

    private IcMessages() {}

    /** A message of {@code type} with a {@code bodySize}-byte zero body and request flags. */
    public static ByteBuffer message(int type, int bodySize, int icTransaction) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + bodySize).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0).putInt(4, 20 + bodySize);
        b.putShort(8, (short) 1).putShort(10, (short) 0); // icverframe
        b.putShort(12, (short) type);
        b.putShort(14, (short) 1).putShort(16, (short) 0); // icvermsg
        b.putShort(18, (short) bodySize);
        b.putInt(20, 0);
        b.put(24, (byte) icTransaction);
        b.put(25, (byte) (FLAG_TRANSACTION | FLAG_REQUEST));
        return b;
    }

    /**
     * A version negotiation: framework versions then service versions, each {@code major << 16 | minor}.
     */
    public static byte[] negotiate(int[] framework, int[] service) {
        int n = framework.length + service.length;
        ByteBuffer b = message(TYPE_NEGOTIATE, 8 + 4 * n, 0);
        b.putShort(HEADER, (short) framework.length).putShort(HEADER + 2, (short) service.length);
        int at = HEADER + 8;
        for (int v : framework) {
            b.putShort(at, (short) (v >>> 16)).putShort(at + 2, (short) v);
            at += 4;
        }
        for (int v : service) {
            b.putShort(at, (short) (v >>> 16)).putShort(at + 2, (short) v);
            at += 4;
        }
        return b.array();
    }

    /** A version as {@code major << 16 | minor}. */
    public static int version(int major, int minor) {
        return major << 16 | minor;
    }

    /** START_FILE_COPY with the names as given (UTF-16LE, NUL-terminated when they fit). */
    public static byte[] start(String name, String dir, int flags, long size, int icTransaction) {
        return start(utf16(name), utf16(dir), flags, size, icTransaction);
    }

    /** START_FILE_COPY with raw UTF-16 units (for malformed names: lone surrogates, no NUL). */
    public static byte[] start(char[] name, char[] dir, int flags, long size, int icTransaction) {
        ByteBuffer b = message(TYPE_FCOPY, START_SIZE, icTransaction);
        b.putInt(HEADER, FCOPY_START);
        putUnits(b, HEADER + 36, name);
        putUnits(b, HEADER + 556, dir);
        b.putInt(HEADER + 1076, flags);
        b.putLong(HEADER + 1080, size);
        return b.array();
    }

    /** WRITE_TO_FILE of {@code len} bytes of {@code data} from {@code from}, at {@code offset}. */
    public static byte[] write(long offset, byte[] data, int from, int len, int icTransaction) {
        ByteBuffer b = message(TYPE_FCOPY, WRITE_SIZE, icTransaction);
        b.putInt(HEADER, FCOPY_WRITE);
        b.putLong(HEADER + 40, offset);
        b.putInt(HEADER + 48, len);
        b.put(HEADER + 52, data, from, Math.min(len, DATA_FRAGMENT));
        return b.array();
    }

    /** COMPLETE_FCOPY or CANCEL_FCOPY (or any operation): a bare {@code hv_fcopy_hdr}. */
    public static byte[] bare(int operation, int icTransaction) {
        ByteBuffer b = message(TYPE_FCOPY, 36, icTransaction);
        b.putInt(HEADER, operation);
        return b.array();
    }

    private static char[] utf16(String s) {
        return s.toCharArray();
    }

    private static void putUnits(ByteBuffer b, int off, char[] units) {
        for (int i = 0; i < Math.min(units.length, NAME_UNITS); i++) {
            b.putChar(off + 2 * i, units[i]);
        }
    }

    /** The reply's status (icmsg_hdr.status). */
    public static int status(byte[] reply) {
        return ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
    }

    /** The reply's icflags. */
    public static int flags(byte[] reply) {
        return reply[25] & 0xff;
    }

    /** The reply's icmsgsize. */
    public static int messageSize(byte[] reply) {
        return ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getShort(18) & 0xffff;
    }

    /** A negotiate reply's counts and first two versions: {fwcount, srvcount, fw, srv}. */
    public static int[] negotiated(byte[] reply) {
        ByteBuffer b = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
        return new int[] {b.getShort(HEADER) & 0xffff, b.getShort(HEADER + 2) & 0xffff,
            (b.getShort(HEADER + 8) & 0xffff) << 16 | (b.getShort(HEADER + 10) & 0xffff),
            (b.getShort(HEADER + 12) & 0xffff) << 16 | (b.getShort(HEADER + 14) & 0xffff)};
    }
}
