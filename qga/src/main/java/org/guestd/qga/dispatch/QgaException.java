// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import org.guestd.core.AgentException;

/**
 * A failure the QGA layer answers with a specific {@link ErrorClass} (qemu-ga's CommandNotFound);
 * every other {@link AgentException} answers GenericError.
 */
public final class QgaException extends AgentException {
    private static final long serialVersionUID = 1L;

    private final ErrorClass errorClass;

    public QgaException(ErrorClass errorClass, String message) {
        super(message);
        this.errorClass = errorClass;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The error class {@code e} is answered with. */
    public static ErrorClass classOf(AgentException e) {
        return e instanceof QgaException q ? q.errorClass : ErrorClass.GENERIC_ERROR;
    }
}
