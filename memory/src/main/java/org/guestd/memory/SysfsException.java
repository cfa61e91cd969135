// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

/**
 * A failed sysfs access with the errno it stands for ({@code 0} for "unexpected EOF", which sets
 * no errno in qemu-ga either).
 */
final class SysfsException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What failed, named as qemu-ga names it. */
    enum Op { OPEN, PREAD, PWRITE }

    private final Op op;
    private final int errno;
    private final String reason;
    private final boolean notFound;

    /**
     * @param errno the errno it stands for, reported to the host as data
     * @param notFound whether the attribute does not exist (ENOENT)
     */
    SysfsException(Op op, int errno, String reason, boolean notFound) {
        super(reason);
        this.op = op;
        this.errno = errno;
        this.reason = reason;
        this.notFound = notFound;
    }

    Op op() {
        return op;
    }

    /** The errno to report (qemu-ga's {@code error-code}), e.g. 2; 0 for an unexpected EOF. */
    int errno() {
        return errno;
    }

    /** The attribute does not exist (ENOENT). */
    boolean isNotFound() {
        return notFound;
    }

    /** strerror's text or "unexpected EOF". */
    String reason() {
        return reason;
    }

    /** qemu-ga's {@code error_setg_errno} form: {@code <what>: <reason>}. */
    String describe(String what) {
        return what + ": " + reason;
    }
}
