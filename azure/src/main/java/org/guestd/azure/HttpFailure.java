// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.io.IOException;

/**
 * An HTTP exchange that did not give a usable answer: a protocol violation (malformed status line
 * or headers, a body over the limit) or a status the caller does not accept. {@link #status()} is
 * the HTTP status, or 0 when there was none.
 */
public class HttpFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public HttpFailure(String message) {
        this(0, message);
    }

    public HttpFailure(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0. */
    public int status() {
        return status;
    }
}
