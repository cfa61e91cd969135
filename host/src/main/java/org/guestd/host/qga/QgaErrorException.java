// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

/**
 * The agent answered a command with an error reply ({@code {"error": {"class": …, "desc": …}}}).
 * Unchecked, so that {@link QgaClient#executeOrThrow} reads naturally in tests and lambdas; the
 * I/O failures of the same calls stay checked {@link java.io.IOException}s.
 */
public class QgaErrorException extends RuntimeException {
    private final transient QgaReply reply;

    /** Wraps an error reply. */
    public QgaErrorException(QgaReply reply) {
        super(reply.errorClass() + ": " + reply.errorDesc());
        this.reply = reply;
    }

    /** The error class, e.g. {@code GenericError} or {@code CommandNotFound}. */
    public String errorClass() {
        return reply.errorClass();
    }

    /** The human-readable description sent by the agent. */
    public String errorDesc() {
        return reply.errorDesc();
    }

    /** The whole reply. */
    public QgaReply reply() {
        return reply;
    }
}
