// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

/**
 * {@code struct hv_kvp_msg} as the {@code /dev/vmbus/hv_kvp} char device carries it (uapi
 * {@code linux/hyperv.h}, packed, 7432 bytes; offsets checked against the 6.1 headers in
 * ../shared/reference/hyperv-abi.md A.5). The host-side emulator builds the same layout.
 */
public final class KvpWire {
    /** sizeof(struct hv_kvp_msg): every message in either direction. */
    public static final int MSG_SIZE = 7432;

    /** Operations ({@code enum hv_kvp_exchg_op}) and registration codes. */
    public static final int OP_GET = 0;
    public static final int OP_SET = 1;
    public static final int OP_DELETE = 2;
    public static final int OP_ENUMERATE = 3;
    public static final int OP_GET_IP_INFO = 4;
    public static final int OP_SET_IP_INFO = 5;
    /** KVP_OP_REGISTER1: the current daemon registration, and the kernel's handshake reply. */
    public static final int OP_REGISTER1 = 100;

    /** Header: operation (u8) and pool (u8); bytes 0..3 are also the reply's {@code int error}. */
    public static final int OFF_OP = 0;
    public static final int OFF_POOL = 1;
    public static final int OFF_ERROR = 0;

    /** GET/SET: {@code body.kvp_set.data}. */
    public static final int OFF_SET_KEY_SIZE = 8;
    public static final int OFF_SET_VALUE_SIZE = 12;
    public static final int OFF_SET_KEY = 16;
    public static final int OFF_SET_VALUE = 528;

    /** ENUMERATE: {@code body.kvp_enum_data}; also where the kernel reads a GET reply's value. */
    public static final int OFF_ENUM_INDEX = 4;
    public static final int OFF_ENUM_KEY = 20;
    public static final int OFF_ENUM_VALUE = 532;

    /** DELETE: {@code body.kvp_delete}. */
    public static final int OFF_DELETE_KEY_SIZE = 4;
    public static final int OFF_DELETE_KEY = 8;

    /** REGISTER1 reply: {@code body.kvp_register.version}. */
    public static final int OFF_REGISTER_VERSION = 4;

    /** IP ops: {@code body.kvp_ip_val} (strings are NUL-terminated UTF-8 on the char device). */
    public static final int OFF_IP_ADAPTER_ID = 4;
    public static final int OFF_IP_ADDR_FAMILY = 260;
    public static final int OFF_IP_DHCP = 261;
    public static final int OFF_IP_ADDR = 262;
    public static final int OFF_IP_SUBNET = 2310;
    public static final int OFF_IP_GATEWAY = 4358;
    public static final int OFF_IP_DNS = 5382;
    public static final int SIZE_IP_ADAPTER_ID = 256;
    public static final int SIZE_IP_ADDR = 2048;
    public static final int SIZE_IP_SUBNET = 2048;
    public static final int SIZE_IP_GATEWAY = 1024;
    public static final int SIZE_IP_DNS = 2048;

    /** HV_KVP_EXCHANGE_MAX_KEY_SIZE / MAX_VALUE_SIZE (bytes, NUL included). */
    public static final int MAX_KEY_SIZE = 512;
    public static final int MAX_VALUE_SIZE = 2048;

    /** ADDR_FAMILY_* bit flags. */
    public static final int ADDR_FAMILY_IPV4 = 1;
    public static final int ADDR_FAMILY_IPV6 = 2;

    private KvpWire() {}

    /** The REGISTER1 message the daemon writes after every open of the device. */
    public static byte[] registration() {
        byte[] m = new byte[MSG_SIZE];
        m[OFF_OP] = (byte) OP_REGISTER1;
        return m;
    }
}
