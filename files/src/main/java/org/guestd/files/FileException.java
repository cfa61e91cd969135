// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

/**
 * A file operation for a host failed. For {@link Kind#IO} and {@link Kind#INVALID_MODE} the
 * message is qemu-ga's text for the same failure ({@code error_setg_errno}: what was done, then the
 * C library's text, e.g. {@code failed to open file '/x' (mode: 'r'): No such file or directory}),
 * because it describes the operation, whoever asked; a protocol sends it as it is or words it its
 * own way. {@link Kind#NO_SUCH_HANDLE} carries the handle and a plain message.
 */
public final class FileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No open file has this handle (never opened, or closed). */
        NO_SUCH_HANDLE,
        /** Not one of the fopen modes. */
        INVALID_MODE,
        /** The operating system refused or failed the operation. */
        IO
    }

    private final Kind kind;
    private final long handle;

    FileException(Kind kind, String message, long handle) {
        super(message);
        this.kind = kind;
        this.handle = handle;
    }

    static FileException noSuchHandle(long handle) {
        return new FileException(Kind.NO_SUCH_HANDLE, "no open file with handle " + handle, handle);
    }

    static FileException invalidMode(String mode) {
        return new FileException(Kind.INVALID_MODE, "invalid file open mode '" + mode + "'", -1);
    }

    /** {@code error_setg_errno}: "what: strerror". */
    static FileException io(String what, String reason) {
        return new FileException(Kind.IO, what + ": " + reason, -1);
    }

    static FileException io(String message) {
        return new FileException(Kind.IO, message, -1);
    }

    public Kind kind() {
        return kind;
    }

    /** The handle asked for ({@link Kind#NO_SUCH_HANDLE}), else -1. */
    public long handle() {
        return handle;
    }
}
