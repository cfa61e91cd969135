// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

/**
 * The errors xenstored sends as the NUL-terminated errno name of an XS_ERROR reply ({@code xsd_errors}
 * in {@code xs_wire.h}, plus EPERM of 4.17), with their Linux numbers: the kernel's xenbus device
 * reports some refusals as write(2) errno values instead. {@link #UNKNOWN} stands for a name or
 * number outside that list; {@link #DISCONNECTED} and {@link #TIMEOUT} are this client's own (the
 * channel went away, or no reply came in time).
 */
public enum XsError {
    EINVAL(22), EACCES(13), EEXIST(17), EISDIR(21), ENOENT(2), ENOMEM(12), ENOSPC(28), EIO(5),
    ENOTEMPTY(39), ENOSYS(38), EROFS(30), EBUSY(16), EAGAIN(11), EISCONN(106), E2BIG(7), EPERM(1),
    /** Not one of xenstored's names (the wire text is kept in the exception). */
    UNKNOWN(-1),
    /** The channel closed before the reply came. */
    DISCONNECTED(-2),
    /** No reply within the client's request timeout. */
    TIMEOUT(-3);

    private final int errno;

    XsError(int errno) {
        this.errno = errno;
    }

    /** The Linux errno number, or a negative value for the client's own errors. */
    public int errno() {
        return errno;
    }

    /** The error of an XS_ERROR payload's name ("ENOENT"), or {@link #UNKNOWN}. */
    public static XsError ofName(String name) {
        for (XsError e : values()) {
            if (e.errno > 0 && e.name().equals(name)) {
                return e;
            }
        }
        return UNKNOWN;
    }

    /** The error of a Linux errno number, or {@link #UNKNOWN}. */
    public static XsError ofErrno(int errno) {
        for (XsError e : values()) {
            if (e.errno == errno) {
                return e;
            }
        }
        return UNKNOWN;
    }
}
