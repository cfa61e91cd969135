// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.files.FileException;
import org.guestd.files.FileHandles;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The guest-file-* group: open, close, read, write, seek, flush over the files feature's
 * {@link FileHandles}; without it every one answers QERR_UNSUPPORTED.
 */
public final class FileCommands {
    private FileCommands() {}

    /** The six commands, over one handle table. */
    public static List<QgaCommand> all(Optional<FileHandles> files) {
        return List.of(
                new GuestFileOpen(files),
                new GuestFileClose(files),
                new GuestFileRead(files),
                new GuestFileWrite(files),
                new GuestFileSeek(files),
                new GuestFileFlush(files));
    }

    static FileHandles feature(Optional<FileHandles> files) throws AgentException {
        return files.orElseThrow(AgentException::unsupported);
    }

    /**
     * A file failure as qemu-ga words it: a missing handle is "handle 'N' has not been found";
     * every other text is already qemu-ga's ({@code error_setg_errno} style).
     */
    static AgentException reply(FileException e) {
        if (e.kind() == FileException.Kind.NO_SUCH_HANDLE) {
            return AgentException.generic("handle '" + e.handle() + "' has not been found", e);
        }
        return AgentException.generic(e.getMessage(), e);
    }
}
