// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps short-lived garbage from growing the old generation towards {@code -Xmx}. Serial GC promotes
 * what survives one young collection (the young generation is 2.5 MiB at the launcher's
 * {@code -Xms8m}, so requests that wait in a queue for a few tens of milliseconds are promoted).
 * JDK 17 then collects the old generation at its committed size. JDK 25 expands it instead while
 * promotions do not fit: under a fuzzing host the tenured space reached 173 MiB, 99 % used, before
 * the first full collection found 14 MiB live.
 *
 * <p>This sets the old generation's usage threshold ({@link MemoryPoolMXBean#setUsageThreshold}) to
 * {@link #DEFAULT_FLOOR}, or twice what the last full collection left if that is more. When the JVM
 * reports the threshold crossed, one full collection runs on the executor given in. The JVM checks
 * the threshold at the end of each collection, so nothing polls and an idle agent is never woken.
 * The agent arms it once its services serve (loading the management classes before that cost the
 * first reply about 50 ms on JDK 25), on the JDKs {@link #neededOn needing it}; on JDK 17 it is left
 * unarmed, so those classes (about 100, 0.6 MB resident) are not loaded there.
 */
final class OldGenCap {
    /**
     * Old-generation usage that triggers a collection when the last one left less than half of it:
     * 16 MiB, HeapRelief's threshold and about where JDK 17 collects under the same load (its heap
     * stayed at 8 to 16 MiB under the fuzzing host). 24 MiB left the fuzzing host's peak at 1.54x idle.
     */
    static final long DEFAULT_FLOOR = 16L << 20;

    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.agent");

    /** The JVM's old-generation pool, faked in tests. */
    interface OldGen {
        /** Bytes in use after the last full collection; -1 when unknown. */
        long usedAfterLastCollection();

        /** The most the pool can grow to; -1 when undefined. */
        long max();

        void setThreshold(long bytes);

        /** Registers what runs (on a JVM thread) each time usage crosses the threshold. */
        void onCrossed(Runnable r);
    }

    private final Supplier<Optional<OldGen>> find;
    private final Runnable fullCollection;
    private final Executor collector;
    private final long floor;
    private final Object lock = new Object();
    private boolean armed; // guarded by lock
    private boolean pending; // guarded by lock
    private long collections; // guarded by lock
    private volatile OldGen pool;
    private volatile long threshold;

    /**
     * @param find looks the old generation up (once, at {@link #arm})
     * @param fullCollection e.g. {@link System#gc}
     * @param collector where a crossing's collection runs (not the JVM's notification thread)
     */
    OldGenCap(Supplier<Optional<OldGen>> find, Runnable fullCollection, Executor collector, long floor) {
        this.find = find;
        this.fullCollection = fullCollection;
        this.collector = collector;
        this.floor = floor;
    }

    /** The production instance: this JVM's old generation, System.gc() on the heap-relief thread. */
    static OldGenCap forThisJvm() {
        return new OldGenCap(OldGenCap::jvmOldGen, System::gc,
                r -> HeapRelief.LAZY_THREAD.schedule(r, 0), DEFAULT_FLOOR);
    }

    /**
     * Whether the agent should arm the cap on this JVM: every JDK after 17. JDK 17 collects the old
     * generation at its committed size (measured: 189 full collections, heap at most 16 MiB, under
     * the fuzzing host); JDK 25 grows it instead. Versions in between were not measured, and the
     * cap costs them only the 0.6 MB.
     */
    static boolean neededOn(Runtime.Version v) {
        return v.feature() > 17;
    }

    /** Sets the threshold and starts listening; once, later calls return at once. */
    void arm() {
        synchronized (lock) {
            if (armed) {
                return;
            }
            armed = true;
        }
        try {
            Optional<OldGen> found = find.get();
            if (found.isEmpty()) {
                LOG.debug("old generation cap: no heap pool with a usage threshold");
                return;
            }
            OldGen p = found.get();
            p.onCrossed(this::crossed);
            pool = p;
            rearm();
        } catch (RuntimeException | LinkageError e) { // no java.management, or a JVM without the pool: not fatal
            LOG.debug("old generation cap: not available: {}", e.toString());
        }
    }

    /** One full collection, then the threshold from what it left (also HeapRelief's collection). */
    void collect() {
        fullCollection.run();
        rearm();
    }

    /** Collections made because the threshold was crossed (tests, logs). */
    long collections() {
        synchronized (lock) {
            return collections;
        }
    }

    /** The threshold set last; 0 before arming. */
    long threshold() {
        return threshold;
    }

    private void crossed() {
        synchronized (lock) {
            if (pending) {
                return;
            }
            pending = true;
        }
        try {
            collector.execute(this::collectAfterCrossing);
        } catch (RuntimeException e) {
            synchronized (lock) {
                pending = false;
            }
            LOG.debug("old generation cap: cannot collect: {}", e.toString());
        }
    }

    private void collectAfterCrossing() {
        try {
            collect();
        } finally {
            synchronized (lock) {
                pending = false;
                collections++;
            }
        }
        LOG.debug("old generation cap: collected; threshold now {} MiB", threshold() >> 20);
    }

    private void rearm() {
        OldGen p = pool;
        if (p != null) {
            try {
                long t = thresholdFor(p);
                p.setThreshold(t);
                threshold = t;
            } catch (RuntimeException e) {
                LOG.debug("old generation cap: cannot set the threshold: {}", e.toString());
            }
        }
    }

    private long thresholdFor(OldGen p) {
        long t = Math.max(floor, 2 * Math.max(0, p.usedAfterLastCollection()));
        long max = p.max();
        return max > 0 ? Math.min(t, max) : t;
    }

    /** The heap pool that supports a usage threshold: the old generation of every HotSpot collector. */
    private static Optional<OldGen> jvmOldGen() {
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP && b.isUsageThresholdSupported()) {
                return Optional.of(new JvmOldGen(b));
            }
        }
        return Optional.empty();
    }

    private record JvmOldGen(MemoryPoolMXBean bean) implements OldGen {
        @Override
        public long usedAfterLastCollection() {
            MemoryUsage u = bean.getCollectionUsage();
            return u == null ? -1 : u.getUsed();
        }

        @Override
        public long max() {
            return bean.getUsage().getMax();
        }

        @Override
        public void setThreshold(long bytes) {
            bean.setUsageThreshold(bytes);
        }

        @Override
        public void onCrossed(Runnable r) {
            String name = bean.getName();
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener((n, handback) -> {
                if (MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(n.getType())
                        && n.getUserData() instanceof CompositeData data
                        && name.equals(MemoryNotificationInfo.from(data).getPoolName())) {
                    r.run();
                }
            }, null, null);
        }
    }
}
