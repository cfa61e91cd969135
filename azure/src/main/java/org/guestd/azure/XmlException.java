// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

/** An XML document from the platform that is oversized, malformed or not what it should be. */
public final class XmlException extends Exception {
    private static final long serialVersionUID = 1L;

    public XmlException(String message) {
        super(message);
    }

    public XmlException(String message, Throwable cause) {
        super(message, cause);
    }
}
