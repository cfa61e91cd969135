// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import java.io.IOException;

/**
 * The agent sent something that is not a well-formed QGA reply: a line that is not JSON, a JSON
 * value that is not an object, or a reply too large to buffer. The offending input has been
 * consumed, so the connection can still be used (preferably after {@link QgaClient#sync()}).
 */
public class QgaProtocolException extends IOException {
    private final String received;

    /** An error without the offending text. */
    public QgaProtocolException(String message) {
        this(message, null, null);
    }

    /** An error about {@code received} (the offending text, may be null). */
    public QgaProtocolException(String message, String received, Throwable cause) {
        super(received == null ? message : message + ": " + abbreviate(received), cause);
        this.received = received;
    }

    /** The offending text as received, or null. */
    public String received() {
        return received;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
    }
}
