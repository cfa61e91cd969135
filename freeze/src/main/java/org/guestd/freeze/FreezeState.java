// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

/**
 * The frozen state as commands see it, changed atomically with everything a thaw does. While a
 * thaw (or a rollback) is under way — the first FITHAW already let writers go on, but the marker,
 * the log gate, the audit line and the status are still being brought in line — {@link #get}
 * waits for its end, so no reader can see {@code FROZEN} once a filesystem has been thawed, or
 * {@code THAWED} while the marker is still there. The thread making the change reads without
 * waiting. Nothing waits outside a change: a read is one volatile load then.
 */
final class FreezeState {
    private final Object lock = new Object();
    private volatile FsFreezer.Status status = FsFreezer.Status.THAWED;
    private volatile Thread changer; // non-null while a change is under way

    /** The state; waits while another thread is changing it. */
    FsFreezer.Status get() {
        Thread c = changer;
        if (c != null && c != Thread.currentThread()) {
            synchronized (lock) {
                boolean interrupted = false;
                while (changer != null) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the answer is due in milliseconds: keep waiting
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return status;
    }

    /** Whether {@link #get} would answer at once (no change under way). */
    boolean settled() {
        return changer == null;
    }

    /** The state right now, never waiting (the engine's own checks, under its lock). */
    FsFreezer.Status peek() {
        return status;
    }

    /** Sets the state; readers see it at once, or at the end of the change under way. */
    void set(FsFreezer.Status s) {
        status = s;
    }

    /** Starts a change: from now on readers wait for {@link #endChange}. Call before the first FITHAW. */
    void beginChange() {
        synchronized (lock) {
            changer = Thread.currentThread();
        }
    }

    /** Ends the change: waiting readers get the state as it is now. */
    void endChange() {
        synchronized (lock) {
            changer = null;
            lock.notifyAll();
        }
    }
}
