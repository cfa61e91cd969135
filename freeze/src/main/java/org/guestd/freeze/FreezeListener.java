// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

/**
 * Told synchronously around a freeze, on the thread that freezes: {@link #beforeFreeze} before the
 * first FIFREEZE (after the freeze hooks ran; {@link FsFreezer#frozen} already tells who froze and
 * until when), {@link #afterThaw} once everything is thawed (before the thaw hooks run). Whoever writes to disk (the log) holds its output in between. Also called
 * at start-up when the frozen marker says a previous instance left filesystems frozen.
 * Implementations must not block and must not throw.
 */
public interface FreezeListener {
    /** Filesystems are about to be frozen: stop writing to disk. */
    void beforeFreeze();

    /** Filesystems are thawed: writing is safe again. */
    void afterThaw();
}
