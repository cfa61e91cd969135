// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import java.util.List;
import java.util.Optional;
import org.guestd.freeze.FsFreezer;
import org.guestd.freeze.FsTrimmer;
import org.guestd.qga.dispatch.CommandRegistry;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The fsfreeze and fstrim commands over the freeze feature's {@link FsFreezer} and
 * {@link FsTrimmer}. Without the freeze feature they are registered but disabled, as
 * in a qemu-ga built without FIFREEZE/FITRIM. With an engine, the registry's frozen state is
 * the engine's, so while frozen only qemu-ga's allow-list answers.
 */
public final class FreezeCommands {
    /** Who asks, in the engine's audit log. */
    static final String REQUESTER = "qga";

    private FreezeCommands() {}

    public static List<QgaCommand> all(Optional<FsFreezer> freezer, Optional<FsTrimmer> trimmer,
            CommandRegistry registry) {
        freezer.ifPresent(f -> registry.setFrozenState(() -> f.status() == FsFreezer.Status.FROZEN, f::settled));
        FsFreezer f = freezer.orElse(null);
        return List.of(new GuestFsfreezeStatus(f), new GuestFsfreezeFreeze(f), new GuestFsfreezeFreezeList(f),
                new GuestFsfreezeThaw(f), new GuestFstrim(trimmer.orElse(null)));
    }
}
