// SPDX-License-Identifier: Apache-2.0
package org.guestd.jna.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * The one exception type of {@code native}'s facades: a failed native call, naming the call (with
 * its object) and the errno, e.g. {@code open(/dev/vport0p1) failed: ENOENT (No such file or
 * directory)}. Callers tell failures apart with the predicates ({@link #isNotFound()},
 * {@link #isBusy()}, …), never by comparing {@link #errno()} with numbers of their own.
 */
public class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call the call and its object, e.g. {@code "open(/dev/vport0p1)"}
     * @param errno the positive errno value
     */
    public NativeException(String call, int errno) {
        this(call, errno, null, null);
    }

    /**
     * @param call the call and its object
     * @param errno the positive errno value
     * @param detail extra text appended to the message, or null
     * @param cause the underlying exception, or null
     */
    public NativeException(String call, int errno, String detail, Throwable cause) {
        super(call + " failed: " + Errno.name(errno) + " (" + Errno.text(errno) + ")"
                + (detail == null ? "" : ": " + detail), cause);
        this.call = call;
        this.errno = errno;
    }

    /** Wraps JNA's exception for {@code call}. */
    static NativeException of(String call, LastErrorException e) {
        return new NativeException(call, e.getErrorCode(), null, e);
    }

    /** The call and its object, e.g. {@code "open(/dev/vport0p1)"}. */
    public String call() {
        return call;
    }

    /** The errno value, e.g. 2: data to report (qemu-ga's {@code error-code}), not to compare. */
    public int errno() {
        return errno;
    }

    /** glibc's strerror text of the errno, e.g. {@code "Operation not permitted"}. */
    public String errnoText() {
        return Errno.text(errno);
    }

    /** The errno name, e.g. {@code "ENOENT"} ({@code "errno 123"} when not in the table). */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** True for EAGAIN/EWOULDBLOCK. */
    public boolean isWouldBlock() {
        return errno == Errno.EAGAIN;
    }

    /** ENOENT: the file, device or directory does not exist. */
    public boolean isNotFound() {
        return errno == Errno.ENOENT;
    }

    /** EBUSY: the device is held by someone else, or (FIFREEZE) the filesystem is already frozen. */
    public boolean isBusy() {
        return errno == Errno.EBUSY;
    }

    /** EINVAL: an invalid argument, or (FITHAW) a filesystem that is not frozen. */
    public boolean isInvalidArgument() {
        return errno == Errno.EINVAL;
    }

    /** EOPNOTSUPP (= ENOTSUP on Linux): the object does not implement the operation. */
    public boolean isNotSupported() {
        return errno == Errno.EOPNOTSUPP;
    }

    /** ENOTTY: the object does not know the ioctl at all. */
    public boolean isInappropriateIoctl() {
        return errno == Errno.ENOTTY;
    }

    /** EEXIST: the file exists (an exclusive create). */
    public boolean isAlreadyExists() {
        return errno == Errno.EEXIST;
    }

    /** ENOEXEC: the file is not in a format the kernel can execute (a script without {@code #!}). */
    public boolean isExecFormatError() {
        return errno == Errno.ENOEXEC;
    }

    /** EPERM or EACCES: not allowed (a missing capability, a file mode). */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
