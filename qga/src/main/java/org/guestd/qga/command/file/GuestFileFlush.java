// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.file;

import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/** {@code guest-file-flush} (Since: 0.15.0): {@code {handle: int}}; "failed to flush file: …" on error. */
public final class GuestFileFlush extends BaseCommand {
    public static final String NAME = "guest-file-flush";

    private final FileHandles handles;

    GuestFileFlush(FileHandles handles) {
        super(NAME, GuestFileClose.HANDLE_ONLY);
        this.handles = handles;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        return handles.withFile(args.getLong("handle"), f -> {
            int errno = f.stream.flush();
            if (errno != 0) {
                throw FileOpener.failed("failed to flush file", errno);
            }
            f.state = OpenFile.State.NEW;
            return null;
        });
    }
}
