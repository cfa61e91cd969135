// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

/**
 * The Hyper-V status codes a daemon writes into bytes 0..3 of its reply ({@code include/uapi/linux/hyperv.h});
 * the kernel forwards them to the host as {@code icmsg_hdr.status}.
 */
public final class HvStatus {
    /** HV_S_OK. */
    public static final int S_OK = 0x00000000;
    /** HV_E_FAIL. */
    public static final int E_FAIL = 0x80004005;
    /** HV_S_CONT: "not found" / "no more items" for KVP; the host stops enumerating. */
    public static final int S_CONT = 0x80070103;
    /** HV_ERROR_NOT_SUPPORTED. */
    public static final int ERROR_NOT_SUPPORTED = 0x80070032;
    /** HV_INVALIDARG. */
    public static final int INVALIDARG = 0x80070057;
    /** HV_GUID_NOTFOUND. */
    public static final int GUID_NOTFOUND = 0x80041002;
    /** HV_ERROR_ALREADY_EXISTS: fcopy target exists and the host did not ask to overwrite. */
    public static final int ERROR_ALREADY_EXISTS = 0x80070050;
    /** HV_ERROR_DISK_FULL: fcopy write failed with ENOSPC. */
    public static final int ERROR_DISK_FULL = 0x80070070;

    private HvStatus() {}

    /** For logs: the name of a status, or its hex value. */
    public static String name(int status) {
        switch (status) {
            case S_OK: return "HV_S_OK";
            case E_FAIL: return "HV_E_FAIL";
            case S_CONT: return "HV_S_CONT";
            case ERROR_NOT_SUPPORTED: return "HV_ERROR_NOT_SUPPORTED";
            case INVALIDARG: return "HV_INVALIDARG";
            case GUID_NOTFOUND: return "HV_GUID_NOTFOUND";
            case ERROR_ALREADY_EXISTS: return "HV_ERROR_ALREADY_EXISTS";
            case ERROR_DISK_FULL: return "HV_ERROR_DISK_FULL";
            default: return String.format("0x%08x", status);
        }
    }
}
