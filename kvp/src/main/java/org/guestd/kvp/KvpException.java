// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp;

/** A KVP pool operation that failed: bad pool number, key or value too long, file I/O error. */
public final class KvpException extends Exception {
    private static final long serialVersionUID = 1L;

    public KvpException(String message) {
        super(message);
    }

    public KvpException(String message, Throwable cause) {
        super(message, cause);
    }
}
