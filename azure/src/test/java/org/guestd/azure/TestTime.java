// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.env.Clock;

/** A clock whose monotonic time moves only when {@link Retry} sleeps: whole retry bursts run at once. */
final class TestTime implements Clock, Retry.Sleeper {
    private long now;
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized long realtimeNanos() {
        return 1_767_225_600_000_000_000L + now; // 2026-01-01T00:00:00Z
    }

    @Override
    public synchronized long monotonicNanos() {
        return now;
    }

    @Override
    public synchronized void sleep(Duration d) {
        sleeps.add(d);
        now += d.toNanos();
    }

    synchronized void advance(Duration d) {
        now += d.toNanos();
    }
}
