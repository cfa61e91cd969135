// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.guestd.core.env.Clock;

/** A settable {@link Clock} that records every set, for tests that must never touch the real clock. */
public final class FakeClock implements Clock {
    private long realtime;
    private long monotonic;
    private final List<Long> sets = new ArrayList<>();

    public FakeClock(long realtimeNanos) {
        this.realtime = realtimeNanos;
    }

    @Override
    public synchronized long realtimeNanos() {
        return realtime;
    }

    @Override
    public synchronized long monotonicNanos() {
        return monotonic;
    }

    @Override
    public synchronized void setRealtimeNanos(long nanos) {
        sets.add(nanos);
        realtime = nanos;
    }

    /** Moves both clocks forward. */
    public synchronized void advance(long nanos) {
        realtime += nanos;
        monotonic += nanos;
    }

    public synchronized List<Long> sets() {
        return new ArrayList<>(sets);
    }
}
