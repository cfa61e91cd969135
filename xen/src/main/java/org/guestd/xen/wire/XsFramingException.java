// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

/** The byte stream from the xenbus device is not a sequence of {@code xsd_sockmsg}s. */
public final class XsFramingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public XsFramingException(String message) {
        super(message);
    }
}
