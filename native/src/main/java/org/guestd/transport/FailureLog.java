// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.util.function.LongSupplier;

/**
 * Rate limit for failure lines: the first is logged at warn, then at most one a minute; the others
 * go to debug. A host that makes every request fail cannot flood the journal.
 */
final class FailureLog {
    static final long INTERVAL_NANOS = 60_000_000_000L;
    /** Appended to every line logged at warn under this limit. */
    static final String SUFFIX = " (more within a minute are logged at debug)";

    private final LongSupplier nanoTime;
    private boolean logged;
    private long last;

    FailureLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Whether the next failure line may go to warn; counts it if so. */
    synchronized boolean allow() {
        long now = nanoTime.getAsLong();
        if (logged && now - last < INTERVAL_NANOS) {
            return false;
        }
        logged = true;
        last = now;
        return true;
    }
}
