// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link OldGenCap} with a fake old generation and a manual executor. */
class OldGenCapTest {
    private static final long MIB = 1L << 20;

    /** An old generation whose collection leaves {@link #live}; records the thresholds set. */
    private static class FakeOldGen implements OldGenCap.OldGen {
        long live = -1;
        long max = 256 * MIB;
        final List<Long> thresholds = new ArrayList<>();
        final List<Runnable> listeners = new ArrayList<>();

        @Override
        public long usedAfterLastCollection() {
            return live;
        }

        @Override
        public long max() {
            return max;
        }

        @Override
        public void setThreshold(long bytes) {
            thresholds.add(bytes);
        }

        @Override
        public void onCrossed(Runnable r) {
            listeners.add(r);
        }

        void cross() {
            listeners.forEach(Runnable::run);
        }
    }

    private final FakeOldGen old = new FakeOldGen();
    private final AtomicInteger gcs = new AtomicInteger();
    private final AtomicInteger lookups = new AtomicInteger();
    private final List<Runnable> queued = new ArrayList<>();
    private long liveAfterGc = 10 * MIB;
    private final OldGenCap cap = new OldGenCap(() -> {
        lookups.incrementAndGet();
        return Optional.of(old);
    }, () -> {
        gcs.incrementAndGet();
        old.live = liveAfterGc;
    }, queued::add, 24 * MIB);

    private void runQueued() {
        List<Runnable> now = new ArrayList<>(queued);
        queued.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void armedAtStartOnTheJdksAfter17() {
        assertFalse(OldGenCap.neededOn(Runtime.Version.parse("17.0.15+6")));
        assertTrue(OldGenCap.neededOn(Runtime.Version.parse("21.0.5")));
        assertTrue(OldGenCap.neededOn(Runtime.Version.parse("25.0.3+9-LTS")));
    }

    @Test
    void nothingIsLookedUpOrSetBeforeArming() {
        assertEquals(0, lookups.get());
        assertEquals(0, cap.threshold());
        assertTrue(old.thresholds.isEmpty());
    }

    @Test
    void armingSetsTheFloorOnceAndListensOnce() {
        cap.arm();
        cap.arm();
        cap.arm();
        assertEquals(1, lookups.get());
        assertEquals(List.of(24 * MIB), old.thresholds);
        assertEquals(1, old.listeners.size());
        assertEquals(0, gcs.get(), "arming collects nothing");
    }

    @Test
    void aCrossingCollectsOnceOnTheExecutorNotOnTheNotifyingThread() {
        cap.arm();
        old.cross();
        assertEquals(0, gcs.get(), "handed off");
        assertEquals(1, queued.size());
        runQueued();
        assertEquals(1, gcs.get());
        assertEquals(1, cap.collections());
    }

    @Test
    void crossingsWhileACollectionIsPendingAreOne() {
        cap.arm();
        old.cross();
        old.cross();
        old.cross();
        assertEquals(1, queued.size());
        runQueued();
        assertEquals(1, gcs.get());
        old.cross(); // a new crossing after it ran: collected again
        runQueued();
        assertEquals(2, gcs.get());
    }

    @Test
    void aLargeLiveSetRaisesTheThresholdToTwiceItAndASmallOneBringsItBack() {
        cap.arm();
        liveAfterGc = 40 * MIB;
        old.cross();
        runQueued();
        assertEquals(80 * MIB, cap.threshold(), "twice what is live: no collection after collection");
        liveAfterGc = 5 * MIB;
        cap.collect(); // HeapRelief's quiet collection
        assertEquals(24 * MIB, cap.threshold());
        assertEquals(List.of(24 * MIB, 80 * MIB, 24 * MIB), old.thresholds);
    }

    @Test
    void theThresholdNeverExceedsWhatThePoolCanHold() {
        old.max = 100 * MIB;
        cap.arm();
        liveAfterGc = 90 * MIB;
        old.cross();
        runQueued();
        assertEquals(100 * MIB, cap.threshold());
    }

    @Test
    void noPoolOrAFailingLookupLeavesTheAgentAsItWas() {
        OldGenCap none = new OldGenCap(Optional::empty, gcs::incrementAndGet, queued::add, 24 * MIB);
        none.arm();
        none.collect(); // HeapRelief still collects
        assertEquals(1, gcs.get());
        assertEquals(0, none.threshold());
        OldGenCap failing = new OldGenCap(() -> {
            throw new NoClassDefFoundError("java/lang/management/ManagementFactory");
        }, gcs::incrementAndGet, queued::add, 24 * MIB);
        failing.arm();
        failing.arm();
        assertEquals(0, failing.threshold());
    }

    @Test
    void aPoolThatFailsWhileArmingIsNotFatal() {
        OldGenCap.OldGen broken = new FakeOldGen() {
            @Override
            public void onCrossed(Runnable r) {
                throw new ClassCastException("not a NotificationEmitter");
            }
        };
        OldGenCap c = new OldGenCap(() -> Optional.of(broken), gcs::incrementAndGet, queued::add, 24 * MIB);
        c.arm(); // must not throw: the agent calls it on its main thread once serving
        c.collect();
        assertEquals(1, gcs.get());
        assertEquals(0, c.threshold());
    }

    @Test
    void anExecutorThatRefusesDoesNotStopLaterCrossings() {
        List<Runnable> accepted = new ArrayList<>();
        boolean[] refuse = {true};
        OldGenCap c = new OldGenCap(() -> Optional.of(old), gcs::incrementAndGet, r -> {
            if (refuse[0]) {
                throw new RejectedExecutionException("shut down");
            }
            accepted.add(r);
        }, 24 * MIB);
        c.arm();
        old.cross();
        refuse[0] = false;
        old.cross();
        assertEquals(1, accepted.size());
        accepted.get(0).run();
        assertEquals(1, gcs.get());
    }
}
