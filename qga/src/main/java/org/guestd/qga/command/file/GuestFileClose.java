// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import org.guestd.core.AgentException;
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

    private final FileHandles handles;

    GuestFileClose(FileHandles handles) {
        super(NAME, HANDLE_ONLY);
        this.handles = handles;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        long id = args.getLong("handle");
        int errno = handles.withFile(id, f -> {
            f.closed = true;
            int closeErrno = f.stream.close();
            handles.remove(id, f);
            return closeErrno;
        });
        if (errno != 0) {
            throw FileOpener.failed("failed to close handle", errno);
        }
        return null;
    }
}
