// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.freeze.FsFreezer;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-fsfreeze-freeze-list} (Since: 2.2): {@code mountpoints?: [str]}; without it, as
 * guest-fsfreeze-freeze. Mountpoints that match no mounted filesystem are ignored (qemu-ga).
 */
public final class GuestFsfreezeFreezeList extends FeatureCommand<FsFreezer> {
    public static final String NAME = "guest-fsfreeze-freeze-list";
    public static final String MOUNTPOINTS = "mountpoints";
    private static final StructSpec ARGS = StructSpec.builder()
            .optional(MOUNTPOINTS, ArgType.listOf(ArgType.STR)).build();

    public GuestFsfreezeFreezeList(FsFreezer freezer) {
        super(NAME, ARGS, freezer);
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<String> mountpoints = args.optList(MOUNTPOINTS);
        return (long) feature().freeze(mountpoints, FreezeCommands.REQUESTER);
    }
}
