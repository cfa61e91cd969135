// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

/**
 * A program could not be started. The message is GLib's spawn error, which qemu-ga reports:
 * {@code Failed to execute child process “PROGRAM” (REASON)} with the C library's text for the
 * error (e.g. {@code No such file or directory}, {@code Permission denied}).
 */
public final class ProcessException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String program;
    private final String reason;

    ProcessException(String program, String reason) {
        super("Failed to execute child process \u201C" + program + "\u201D (" + reason + ")");
        this.program = program;
        this.reason = reason;
    }

    /** The program as it was asked for. */
    public String program() {
        return program;
    }

    /** Why it could not be started, in the C library's words. */
    public String reason() {
        return reason;
    }
}
