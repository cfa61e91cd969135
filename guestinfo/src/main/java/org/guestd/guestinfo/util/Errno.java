// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns a Java I/O failure into the {@code strerror(3)} text qemu-ga appends to its messages
 * ({@code error_setg_errno} prints {@code "<message>: <strerror>"}).
 */
public final class Errno {
    private Errno() {}

    /** The C library's text for the errno behind {@code e}, as far as Java exposes it. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof FileSystemLoopException) {
            return "Too many levels of symbolic links";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            // sun.nio.fs.UnixException puts strerror() into the reason
            return fse.getReason();
        }
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    /** {@code "<what>: <strerror>"}, the shape of qemu-ga's {@code error_setg_errno} texts. */
    public static String message(String what, IOException e) {
        return what + ": " + describe(e);
    }
}
