// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.files.FileException;
import org.guestd.files.FileHandles;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-file-close} (Since: 0.15.0): {@code {handle: int}}. A failing {@code fclose}
 * answers "failed to close handle: …"; the handle is forgotten either way (the stream is gone;
 * qemu-ga would keep a dangling entry).
 */
public final class GuestFileClose extends BaseCommand {
    public static final String NAME = "guest-file-close";
    static final StructSpec HANDLE_ONLY = StructSpec.builder().required("handle", ArgType.INT).build();

    private final Optional<FileHandles> files;

    GuestFileClose(Optional<FileHandles> files) {
        super(NAME, HANDLE_ONLY);
        this.files = files;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        FileHandles handles = FileCommands.feature(files);
        try {
            handles.close(args.getLong("handle"));
        } catch (FileException e) {
            throw FileCommands.reply(e);
        }
        return null;
    }
}
