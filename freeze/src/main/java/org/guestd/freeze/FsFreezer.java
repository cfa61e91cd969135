// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;

/**
 * The freeze engine as the channels see it (QGA guest-fsfreeze-*, Hyper-V VSS): one instance per
 * agent, exported by the freeze service, shared by every channel so that they see one state.
 * Implementations are thread-safe; a freeze and a thaw never run at the same time.
 */
public interface FsFreezer {
    /** Whether this engine holds filesystems frozen. */
    enum Status { THAWED, FROZEN }

    /**
     * The current state (FROZEN also after a restart while the frozen marker exists). Changes
     * atomically with a thaw: while one is under way this waits for its end (milliseconds), so
     * a caller never sees FROZEN after a filesystem was thawed.
     */
    Status status();

    /**
     * A freeze in force.
     *
     * @param by who froze ("qga", "hyperv-vss"; "… (previous instance)" after a restart)
     * @param sinceNanos since when, wall clock, ns since the epoch
     * @param autoThawAtNanos when the auto-thaw watchdog thaws, wall clock, or -1 when it is off
     */
    record Frozen(String by, long sinceNanos, long autoThawAtNanos) {}

    /**
     * The freeze in force, or empty when thawed; set before the listeners are told of a freeze, cleared
     * before they are told of the thaw. Never blocks, also while a freeze or thaw runs.
     */
    default Optional<Frozen> frozen() {
        return Optional.empty();
    }

    /**
     * Whether {@link #status} answers without waiting right now; a caller on an event loop that
     * must not block asks this first and otherwise hands its work to a worker.
     */
    default boolean settled() {
        return true;
    }

    /**
     * Runs the freeze hooks, then freezes the given mountpoints, or every freezable filesystem
     * when {@code mountpoints} is null. On any failure everything already frozen is thawed (and
     * the hooks told {@code freezefail}) before the error is thrown.
     *
     * @param requester who asked, for the audit log ("qga", "hyperv-vss"…)
     * @return the number of filesystems frozen
     * @throws AgentException with qemu-ga's error class and text (e.g. already frozen, a hook
     *     failed, FIFREEZE failed with errno)
     */
    int freeze(List<String> mountpoints, String requester) throws AgentException;

    /**
     * Thaws everything this engine froze (in reverse order), then runs the thaw hooks.
     *
     * @return the number of filesystems thawed (0 when nothing was frozen)
     */
    int thaw(String requester) throws AgentException;
}
