// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import org.guestd.core.AgentException;
import org.guestd.jna.linux.CStream;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-file-open} (Since: 0.15.0): {@code {path: str, mode?: str}} → int handle. Mode
 * defaults to {@code r}; see {@link FileOpener} for the modes and flags.
 */
public final class GuestFileOpen extends BaseCommand {
    public static final String NAME = "guest-file-open";
    private static final StructSpec ARGS = StructSpec.builder()
            .required("path", ArgType.STR)
            .optional("mode", ArgType.STR)
            .build();

    private final FileHandles handles;

    GuestFileOpen(FileHandles handles) {
        super(NAME, ARGS);
        this.handles = handles;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        String mode = args.has("mode") ? args.getString("mode") : "r";
        CStream stream = FileOpener.open(args.getString("path"), mode);
        OpenFile file = new OpenFile(stream);
        try {
            return handles.add(file);
        } catch (AgentException e) {
            stream.close();
            throw e;
        }
    }
}
