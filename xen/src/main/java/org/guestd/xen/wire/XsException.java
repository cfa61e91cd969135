// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

/**
 * A xenstore operation that failed: xenstored's XS_ERROR reply, the device's refusal, a limit
 * checked before sending, or the channel going away. {@link #error()} is the typed cause.
 */
public class XsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final XsError error;

    /**
     * @param error the typed error
     * @param detail what failed, e.g. {@code "READ data/x: ENOENT"}
     */
    public XsException(XsError error, String detail) {
        super(detail);
        this.error = error;
    }

    /** The typed error. */
    public XsError error() {
        return error;
    }

    /** True when the error is {@code e}. */
    public boolean is(XsError e) {
        return error == e;
    }

    /** The {@link XsException} at the root of a future's failure, or null when the cause is something else. */
    public static XsException unwrap(Throwable t) {
        while (t != null) {
            if (t instanceof XsException) {
                return (XsException) t;
            }
            t = t.getCause();
        }
        return null;
    }
}
