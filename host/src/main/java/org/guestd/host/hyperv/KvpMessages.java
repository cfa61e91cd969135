// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import java.nio.charset.StandardCharsets;

/**
 * The 7432-byte {@code struct hv_kvp_msg} requests exactly as the kernel's {@code kvp_send_key}
 * builds them from a host request (drivers/hv/hv_kvp.c): a zeroed message, operation and pool, and
 * only the fields of that operation; strings UTF-8 with the size counting the NUL; a GET carries
 * no value size. Offsets are the uapi layout (see ../shared/reference/hyperv-abi.md A.5), written
 * independently of guestd's own codec.
 */
public final class KvpMessages {
    public static final int SIZE = 7432;
    public static final int GET = 0;
    public static final int SET = 1;
    public static final int DELETE = 2;
    public static final int ENUMERATE = 3;
    public static final int GET_IP_INFO = 4;
    public static final int SET_IP_INFO = 5;
    public static final int REGISTER1 = 100;
    /** The kernel's HV_DRV_VERSION, sent in its registration reply. */
    public static final String DRIVER_VERSION = "3.1";
    /** Longest key / value the kernel produces: 511 / 2047 UTF-8 bytes plus the NUL. */
    public static final int MAX_KEY_BYTES = 511;
    public static final int MAX_VALUE_BYTES = 2047;

    private KvpMessages() {}

    /** The kernel's answer to REGISTER1: operation 100 and the driver version. */
    public static byte[] registrationReply(String version) {
        byte[] m = header(REGISTER1, 0);
        putString(m, 4, 512, version);
        return m;
    }

    public static byte[] set(int pool, String key, String value) {
        byte[] m = header(SET, pool);
        putU32(m, 8, putString(m, 16, 512, key) + 1);
        putU32(m, 12, putString(m, 528, 2048, value) + 1);
        return m;
    }

    /** SET of a numeric value: the kernel turns REG_U32/REG_U64 into decimal text ("%u", "%llu"). */
    public static byte[] setNumber(int pool, String key, long value) {
        return set(pool, key, Long.toUnsignedString(value));
    }

    public static byte[] get(int pool, String key) {
        byte[] m = header(GET, pool);
        putU32(m, 8, putString(m, 16, 512, key) + 1);
        return m;
    }

    public static byte[] delete(int pool, String key) {
        byte[] m = header(DELETE, pool);
        putU32(m, 4, putString(m, 8, 512, key) + 1);
        return m;
    }

    public static byte[] enumerate(int pool, int index) {
        byte[] m = header(ENUMERATE, pool);
        putU32(m, 4, index);
        return m;
    }

    /** GET_IP_INFO: adapter id (the MAC, upper case as Hyper-V sends it) and address family. */
    public static byte[] getIpInfo(String mac, int addressFamily) {
        byte[] m = header(GET_IP_INFO, 0);
        putString(m, 4, 256, mac);
        m[260] = (byte) addressFamily;
        return m;
    }

    /** SET_IP_INFO: adapter id (the NIC's VMBus instance GUID) and the configuration strings. */
    public static byte[] setIpInfo(String adapterGuid, int addressFamily, boolean dhcp, String ips, String subnets,
            String gateways, String dns) {
        byte[] m = header(SET_IP_INFO, 0);
        putString(m, 4, 256, adapterGuid);
        m[260] = (byte) addressFamily;
        m[261] = (byte) (dhcp ? 1 : 0);
        putString(m, 262, 1024, ips); // the kernel limits each field to its element count in bytes
        putString(m, 2310, 1024, subnets);
        putString(m, 4358, 512, gateways);
        putString(m, 5382, 1024, dns);
        return m;
    }

    static byte[] header(int op, int pool) {
        byte[] m = new byte[SIZE];
        m[0] = (byte) op;
        m[1] = (byte) pool;
        return m;
    }

    /** Stores {@code s} as UTF-8 cut to {@code size - 1} bytes, NUL-terminated; returns the bytes stored. */
    static int putString(byte[] m, int off, int size, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, size - 1);
        System.arraycopy(b, 0, m, off, n);
        m[off + n] = 0;
        return n;
    }

    static void putU32(byte[] m, int off, int v) {
        m[off] = (byte) v;
        m[off + 1] = (byte) (v >>> 8);
        m[off + 2] = (byte) (v >>> 16);
        m[off + 3] = (byte) (v >>> 24);
    }

    static int u32(byte[] m, int off) {
        return (m[off] & 0xff) | (m[off + 1] & 0xff) << 8 | (m[off + 2] & 0xff) << 16 | (m[off + 3] & 0xff) << 24;
    }

    /** The NUL-terminated UTF-8 string in {@code [off, off+max)}. */
    static String string(byte[] m, int off, int max) {
        int end = off;
        while (end < Math.min(m.length, off + max) && m[end] != 0) {
            end++;
        }
        return new String(m, off, end - off, StandardCharsets.UTF_8);
    }
}
