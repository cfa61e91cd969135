// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.files.FileException;
import org.guestd.files.FileHandles;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/** {@code guest-file-flush} (Since: 0.15.0): {@code {handle: int}}; "failed to flush file: …" on error. */
public final class GuestFileFlush extends BaseCommand {
    public static final String NAME = "guest-file-flush";

    private final Optional<FileHandles> files;

    GuestFileFlush(Optional<FileHandles> files) {
        super(NAME, GuestFileClose.HANDLE_ONLY);
        this.files = files;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        FileHandles handles = FileCommands.feature(files);
        try {
            handles.flush(args.getLong("handle"));
        } catch (FileException e) {
            throw FileCommands.reply(e);
        }
        return null;
    }
}
