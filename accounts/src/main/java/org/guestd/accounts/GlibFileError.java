// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The texts GLib and {@code g_strerror} would give for a failed file operation, from Java's
 * exceptions (which carry no errno): the common cases ENOENT, EACCES, EEXIST, ENOTDIR, EISDIR, else
 * the exception's reason.
 */
final class GlibFileError {
    /** The suffix of the temporary file {@code authorized_keys} is written through. */
    static final String TMP_SUFFIX = ".guestd-tmp";
    private static final String ELOOP = "Too many levels of symbolic links";

    private GlibFileError() {}

    /** {@code g_strerror(errno)} for a failed mkdir/chown/chmod. */
    static String errnoText(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        } else if (e instanceof AccessDeniedException) {
            return "Permission denied";
        } else if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        } else if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : String.valueOf(e.getMessage());
        // ELOOP (O_NOFOLLOW met a link): Java adds words of its own ("(NOFOLLOW_LINKS specified)")
        return reason.startsWith(ELOOP) ? ELOOP : reason;
    }

    /**
     * GLib's {@code g_file_get_contents}/{@code g_file_set_contents} message: "Failed to open file
     * “PATH”: REASON" (read), "Failed to create file “TMP”: REASON" (write).
     */
    static String describe(Path path, IOException e, boolean reading) {
        String reason = errnoText(e);
        if (e instanceof FileSystemException f && f.getFile() != null && f.getFile().endsWith(TMP_SUFFIX)) {
            return "Failed to create file \u201C" + f.getFile() + "\u201D: " + reason;
        }
        return (reading ? "Failed to open file \u201C" : "Failed to write file \u201C") + path + "\u201D: " + reason;
    }
}
