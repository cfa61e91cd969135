// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

/** Receiving a file failed; {@link #reason()} says how, the message says what and where. */
public final class ReceiveException extends Exception {
    private static final long serialVersionUID = 1L;

    /** How receiving failed (a protocol maps each to its status). */
    public enum Reason {
        /** The target breaks the path rules (not a plain name, outside the root, a symlink…). */
        REFUSED,
        /** The directory does not exist and creating it was not asked for. */
        NO_DIRECTORY,
        /** The file exists and overwriting it was not asked for. */
        EXISTS,
        /** The filesystem is full. */
        DISK_FULL,
        /** Any other failure (and a write while nothing is being received). */
        IO
    }

    private final Reason reason;

    ReceiveException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
