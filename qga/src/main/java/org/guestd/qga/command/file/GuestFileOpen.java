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
 * {@code guest-file-open} (Since: 0.15.0): {@code {path: str, mode?: str}} → int handle. Mode
 * defaults to {@code r}; the modes and flags are the files feature's ({@link FileHandles#open}).
 */
public final class GuestFileOpen extends BaseCommand {
    public static final String NAME = "guest-file-open";
    private static final StructSpec ARGS = StructSpec.builder()
            .required("path", ArgType.STR)
            .optional("mode", ArgType.STR)
            .build();

    private final Optional<FileHandles> files;

    GuestFileOpen(Optional<FileHandles> files) {
        super(NAME, ARGS);
        this.files = files;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        FileHandles handles = FileCommands.feature(files);
        String mode = args.has("mode") ? args.getString("mode") : "r";
        try {
            return handles.open(args.getString("path"), mode);
        } catch (FileException e) {
            throw FileCommands.reply(e);
        }
    }
}
