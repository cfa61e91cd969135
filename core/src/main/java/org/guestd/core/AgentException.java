// SPDX-License-Identifier: Apache-2.0
package org.guestd.core;

/**
 * The one checked exception of guestd. It carries an {@link ErrorClass} and a message that is
 * sent to the host as is, so the message must be the exact text the real peer would send
 * (for QGA: qemu-ga's {@code desc} strings, e.g. {@code "Parameter 'id' is missing"}).
 */
public class AgentException extends Exception {
    private static final long serialVersionUID = 1L;

    /** qemu-ga's QERR_UNSUPPORTED text. */
    public static final String UNSUPPORTED = "this feature or command is not currently supported";

    private final ErrorClass errorClass;

    public AgentException(ErrorClass errorClass, String message) {
        super(message);
        this.errorClass = errorClass;
    }

    public AgentException(ErrorClass errorClass, String message, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    /** A {@link ErrorClass#GENERIC_ERROR} with the given message. */
    public static AgentException generic(String message) {
        return new AgentException(ErrorClass.GENERIC_ERROR, message);
    }

    /** A {@link ErrorClass#GENERIC_ERROR} with the given message and cause. */
    public static AgentException generic(String message, Throwable cause) {
        return new AgentException(ErrorClass.GENERIC_ERROR, message, cause);
    }

    /** qemu-ga's "this feature or command is not currently supported". */
    public static AgentException unsupported() {
        return new AgentException(ErrorClass.GENERIC_ERROR, UNSUPPORTED);
    }

    public ErrorClass errorClass() {
        return errorClass;
    }
}
