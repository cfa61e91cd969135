// SPDX-License-Identifier: Apache-2.0
package org.guestd.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.guestd.jna.linux.CStream;
import org.guestd.jna.linux.NativeException;

/**
 * qemu-ga's {@code safe_open_or_create} (commands-posix.c): the fopen mode table, {@code
 * O_NOCTTY | O_NONBLOCK | O_CLOEXEC}, exclusive creation then {@code fchmod 0666} (so the umask
 * does not apply to new files), then {@code fdopen}.
 */
final class FileOpener {
    static final int NEW_FILE_MODE = 0666;

    private static final Map<String, Integer> MODES = Map.ofEntries(
            Map.entry("r", CStream.O_RDONLY),
            Map.entry("rb", CStream.O_RDONLY),
            Map.entry("w", CStream.O_WRONLY | CStream.O_CREAT | CStream.O_TRUNC),
            Map.entry("wb", CStream.O_WRONLY | CStream.O_CREAT | CStream.O_TRUNC),
            Map.entry("a", CStream.O_WRONLY | CStream.O_CREAT | CStream.O_APPEND),
            Map.entry("ab", CStream.O_WRONLY | CStream.O_CREAT | CStream.O_APPEND),
            Map.entry("r+", CStream.O_RDWR),
            Map.entry("rb+", CStream.O_RDWR),
            Map.entry("r+b", CStream.O_RDWR),
            Map.entry("w+", CStream.O_RDWR | CStream.O_CREAT | CStream.O_TRUNC),
            Map.entry("wb+", CStream.O_RDWR | CStream.O_CREAT | CStream.O_TRUNC),
            Map.entry("w+b", CStream.O_RDWR | CStream.O_CREAT | CStream.O_TRUNC),
            Map.entry("a+", CStream.O_RDWR | CStream.O_CREAT | CStream.O_APPEND),
            Map.entry("ab+", CStream.O_RDWR | CStream.O_CREAT | CStream.O_APPEND),
            Map.entry("a+b", CStream.O_RDWR | CStream.O_CREAT | CStream.O_APPEND));

    private FileOpener() {}

    /** The open(2) flags for an fopen mode. */
    static int flags(String mode) throws FileException {
        Integer base = MODES.get(mode);
        if (base == null) {
            throw FileException.invalidMode(mode);
        }
        return base | CStream.O_NOCTTY | CStream.O_NONBLOCK;
    }

    /** Opens {@code path} as qemu-ga does; relative paths resolve against the agent's cwd. */
    static CStream open(String path, String mode) throws FileException {
        int flags = flags(mode);
        boolean create = (flags & CStream.O_CREAT) != 0;
        int fd;
        try {
            try {
                fd = CStream.open(path, flags | (create ? CStream.O_EXCL : 0) | CStream.O_CLOEXEC, 0);
            } catch (NativeException e) {
                if (!e.isAlreadyExists()) {
                    throw e;
                }
                create = false;
                flags &= ~CStream.O_CREAT;
                fd = CStream.open(path, flags | CStream.O_CLOEXEC, 0);
            }
        } catch (NativeException e) {
            throw failed("failed to open file '" + path + "' (mode: '" + mode + "')", e.errno());
        }
        if (create) {
            try {
                CStream.fchmod(fd, NEW_FILE_MODE);
            } catch (NativeException e) {
                cleanUp(fd, path, true);
                throw failed("failed to set permission 0666 on new file '" + path + "' (mode: '" + mode + "')",
                        e.errno());
            }
        }
        try {
            return CStream.fdopen(fd, mode);
        } catch (NativeException e) {
            cleanUp(fd, path, create);
            throw failed("failed to associate stdio stream with file descriptor " + fd + ", file '" + path
                    + "' (mode: '" + mode + "')", e.errno());
        }
    }

    /** {@code error_setg_errno}: "message: strerror". */
    static FileException failed(String message, int errno) {
        return FileException.io(message, CStream.strerror(errno));
    }

    private static void cleanUp(int fd, String path, boolean created) {
        CStream.closeQuietly(fd);
        if (created) {
            try {
                Files.deleteIfExists(Path.of(path));
            } catch (IOException | RuntimeException ignored) {
                // best effort, as unlink(2) in qemu-ga
            }
        }
    }
}
