// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import java.time.Instant;
import org.guestd.core.AgentException;

/**
 * The guest's clocks, injectable so that no test ever reads or sets the machine's real clock.
 * Times are nanoseconds: {@link #realtimeNanos()} since 1970-01-01 UTC (CLOCK_REALTIME),
 * {@link #monotonicNanos()} from an arbitrary origin (CLOCK_MONOTONIC).
 */
public interface Clock {
    /** Wall-clock time, ns since the epoch. */
    long realtimeNanos();

    /** A monotonic time, ns, for intervals and timeouts. */
    long monotonicNanos();

    /**
     * Steps the wall clock. The system implementation needs privilege and is only wired by the
     * agent; the default refuses, as qemu-ga does when it cannot set the time.
     */
    default void setRealtimeNanos(long nanos) throws AgentException {
        throw AgentException.unsupported();
    }

    /** The JVM's view of the system clocks: read-only. */
    Clock SYSTEM = new Clock() {
        @Override
        public long realtimeNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }
    };
}
