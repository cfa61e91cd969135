// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.nio.file.Path;
import java.util.List;
import org.guestd.qga.command.CommandDeps;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The guest-file-* group: open, close, read, write, seek, flush over one {@link FileHandles}
 * table whose counter lives in the agent's state dir ({@code [general] statedir}).
 */
public final class FileCommands {
    /** guestd's default state dir, used when {@code [general]} has none. */
    static final String DEFAULT_STATEDIR = "/run/guestd";

    private FileCommands() {}

    /** The six commands, sharing one handle table. */
    public static List<QgaCommand> all(CommandDeps deps) {
        FileHandles handles = new FileHandles(Path.of(deps.general().getString("statedir", DEFAULT_STATEDIR)));
        return List.of(
                new GuestFileOpen(handles),
                new GuestFileClose(handles),
                new GuestFileRead(handles),
                new GuestFileWrite(handles),
                new GuestFileSeek(handles),
                new GuestFileFlush(handles));
    }
}
