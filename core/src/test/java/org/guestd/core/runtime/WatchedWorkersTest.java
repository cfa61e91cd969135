// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.guestd.core.testing.FakeClock;
import org.junit.jupiter.api.Test;

class WatchedWorkersTest {
    @Test
    void theLongestRunningTaskIsMeasuredOnTheMonotonicClock() {
        FakeClock clock = new FakeClock(0);
        List<Runnable> queued = new ArrayList<>();
        WatchedWorkers w = new WatchedWorkers(queued::add, clock::monotonicNanos);
        List<Long> seenInside = new ArrayList<>();
        w.execute(() -> {
            clock.advance(7_000);
            seenInside.add(w.longestRunningNanos());
            seenInside.add((long) w.runningTasks());
        });
        assertEquals(0, w.longestRunningNanos(), "queued, not running");
        queued.get(0).run();
        assertEquals(List.of(7_000L, 1L), seenInside);
        assertEquals(0, w.longestRunningNanos(), "finished");
        assertEquals(0, w.runningTasks());
        w.execute(() -> {
            throw new IllegalStateException("a failing task still ends");
        });
        try {
            queued.get(1).run();
        } catch (IllegalStateException expected) {
            // the pool logs it
        }
        assertEquals(0, w.runningTasks());
    }
}
