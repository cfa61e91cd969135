// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

/**
 * An account operation failed. Where the text describes an operating-system step or a rejected
 * input in plain words, it is qemu-ga's text for the same failure (e.g. {@code failed to lookup
 * user 'u': Success}, {@code invalid OpenSSH public key: 'k'}, {@code failed to read 'P': Failed
 * to open file “P”: No such file or directory}); a protocol may send it as it is. The password
 * kinds carry guestd's own words, and a protocol words them its way.
 */
public final class AccountException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The user database has no such user (or could not be read). */
        NO_SUCH_USER,
        /** A key is not one OpenSSH public key line (a comment, or holds a newline). */
        INVALID_KEY,
        /** The password holds a newline (it would end chpasswd's input line). */
        INVALID_PASSWORD,
        /** The user name holds a newline or a colon. */
        INVALID_USER_NAME,
        /** chpasswd could not be run. */
        PASSWORD_TOOL_MISSING,
        /** chpasswd ran and failed. */
        PASSWORD_TOOL_FAILED,
        /** A file or directory operation failed. */
        IO
    }

    private final Kind kind;

    AccountException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    AccountException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
