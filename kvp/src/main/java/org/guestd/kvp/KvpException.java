// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp;

/** A KVP pool operation that failed: bad pool number, key or value too long, file I/O error. */
public final class KvpException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed, so a protocol can pick the status its peer expects. */
    public enum Reason {
        /** A pool number, key or value the store refuses (too long, out of range). */
        INVALID_ARGUMENT,
        /** An IP address (or mask, gateway, DNS server) that does not parse (HV_INVALIDARG). */
        INVALID_ADDRESS,
        /** No network adapter with the given id (HV_GUID_NOTFOUND for SET_IP_INFO). */
        ADAPTER_NOT_FOUND,
        /** Anything else: file I/O, a failing script (HV_E_FAIL). */
        FAILED
    }

    private final Reason reason;

    public KvpException(String message) {
        this(Reason.FAILED, message, null);
    }

    public KvpException(String message, Throwable cause) {
        this(Reason.FAILED, message, cause);
    }

    /** An exception with an explicit {@link Reason}. */
    public KvpException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
