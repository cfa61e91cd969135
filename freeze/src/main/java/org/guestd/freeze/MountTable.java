// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;
import org.guestd.os.MountInfo;

/**
 * The mounts of {@code <proc>/self/mountinfo} of the injected {@link HostPaths} (so a test engine
 * sees only the mounts its fixture lists), in file order, which is mount order, as read by
 * native's one mountinfo reader ({@link MountInfo}: escapes decoded, malformed lines skipped as
 * qemu-ga's sscanf loop skips them).
 */
final class MountTable {
    private MountTable() {}

    /**
     * @throws AgentException GenericError {@code failed to open <file>: <reason>} when the file cannot be read
     */
    static List<Mount> read(HostPaths paths) throws AgentException {
        try {
            return of(MountInfo.read(paths));
        } catch (IOException e) {
            throw AgentException.generic("failed to open " + paths.proc("self/mountinfo") + ": " + e.getMessage(), e);
        }
    }

    /** The engine's view of the reader's entries, in the same order. */
    static List<Mount> of(List<MountInfo.Entry> entries) {
        List<Mount> out = new ArrayList<>(entries.size());
        for (MountInfo.Entry e : entries) {
            out.add(new Mount((int) e.id(), (int) e.parentId(), (int) e.major(), (int) e.minor(), e.root(),
                    e.mountpoint(), e.mountOptions(), e.fsType(), e.source(), e.superOptions()));
        }
        return out;
    }
}
