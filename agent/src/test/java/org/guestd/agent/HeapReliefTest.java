// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link HeapRelief} with a fake heap, clock and scheduler: when it collects, and when it does not. */
class HeapReliefTest {
    private static final long MIB = 1L << 20;
    private final AtomicLong heap = new AtomicLong(8 * MIB);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger gcs = new AtomicInteger();
    /** Scheduled tasks with their due time; run by {@link #advance}. */
    private final List<long[]> due = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();
    private final HeapRelief relief = new HeapRelief(heap::get, () -> {
        gcs.incrementAndGet();
        heap.set(10 * MIB);
    }, now::get, 24 * MIB, Duration.ofSeconds(5), (task, delay) -> {
        due.add(new long[] {now.get() + delay});
        tasks.add(task);
    });

    /** Moves the clock on and runs what has come due, in order. */
    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
        for (int i = 0; i < tasks.size(); i++) {
            if (due.get(i)[0] <= now.get()) {
                Runnable r = tasks.remove(i);
                due.remove(i);
                r.run();
                i = -1;
            }
        }
    }

    @Test
    void aSmallHeapIsNeverCollectedAndNothingIsScheduled() {
        for (int i = 0; i < 100; i++) {
            relief.afterTask();
        }
        assertEquals(0, tasks.size());
        advance(Duration.ofMinutes(1));
        assertEquals(0, gcs.get());
    }

    @Test
    void aLargeHeapIsCollectedOnceWhenNoTaskFinishedForTheQuietTime() {
        heap.set(180 * MIB);
        relief.afterTask();
        relief.afterTask();
        relief.afterTask();
        assertEquals(1, tasks.size(), "one collection arranged, not one per task");
        advance(Duration.ofMillis(4999));
        assertEquals(0, gcs.get());
        advance(Duration.ofMillis(1));
        assertEquals(1, gcs.get());
        assertEquals(1, relief.collections());
        assertEquals(10 * MIB, heap.get());
        assertEquals(0, tasks.size());
        advance(Duration.ofMinutes(10));
        assertEquals(1, gcs.get(), "an idle agent is not woken again");
    }

    @Test
    void aBusyAgentIsCollectedOnlyAfterItsLastTask() {
        heap.set(100 * MIB);
        relief.afterTask();
        for (int i = 0; i < 10; i++) { // a task every 2 s for 20 s
            advance(Duration.ofSeconds(2));
            relief.afterTask();
        }
        assertEquals(0, gcs.get());
        advance(Duration.ofMillis(4999));
        assertEquals(0, gcs.get());
        advance(Duration.ofMillis(1));
        assertEquals(1, gcs.get());
    }

    @Test
    void aHeapThatShrankOnItsOwnIsLeftAlone() {
        heap.set(100 * MIB);
        relief.afterTask();
        heap.set(12 * MIB); // a collection of the JVM's own meanwhile
        advance(Duration.ofSeconds(5));
        assertEquals(0, gcs.get());
        heap.set(100 * MIB); // a later burst arranges a new one
        relief.afterTask();
        advance(Duration.ofSeconds(5));
        assertEquals(1, gcs.get());
    }
}
