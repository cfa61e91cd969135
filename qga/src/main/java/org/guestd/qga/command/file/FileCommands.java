// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.nio.file.Path;
import java.util.List;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The guest-file-* group: open, close, read, write, seek, flush over one {@link FileHandles}
 * table whose counter lives in the agent's state dir.
 */
public final class FileCommands {
    private FileCommands() {}

    /** The six commands, sharing one handle table. */
    public static List<QgaCommand> all(Path stateDir) {
        FileHandles handles = new FileHandles(stateDir);
        return List.of(
                new GuestFileOpen(handles),
                new GuestFileClose(handles),
                new GuestFileRead(handles),
                new GuestFileWrite(handles),
                new GuestFileSeek(handles),
                new GuestFileFlush(handles));
    }
}
