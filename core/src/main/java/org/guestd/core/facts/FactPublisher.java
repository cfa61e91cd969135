// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher port: features publish facts about the guest, channels subscribe and map them to
 * their wire (Xen keys, KVP pool records, Azure reports). One publisher per agent, built by the
 * composition root and handed to whoever feeds or reads it.
 *
 * <p>Change detection: a fact is delivered only when it is new or its value differs ({@code
 * equals}) from the one delivered before; an instance that a source no longer reports is
 * withdrawn. A listener that subscribes is first sent every current fact, so it never misses one.
 *
 * <p>Two ways to feed it. A {@link FactSource} reads all instances of a kind; the publisher reads
 * it on a worker every {@code period} (for facts with no change signal, e.g. free memory), and at
 * once on {@link #refresh} (for facts with one: an address change from netlink, a resume).
 * Feature code with its own signal may instead {@link #put}/{@link #remove} single instances.
 *
 * <p>Sources are read only while someone listens: with no channel subscribed the publisher costs
 * nothing (no timer, no wake-up). Listeners are called one at a time, in the order the changes
 * happened, under the publisher's lock: they must be quick and must not block.
 *
 * <p>Service name {@code facts}; it has no config of its own (each source's period is its
 * feature's setting).
 */
public final class FactPublisher implements AgentService {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.facts");
    private static final long WARN_INTERVAL_NANOS = TimeUnit.HOURS.toNanos(1);

    private final Object lock = new Object();
    private final Map<Fact.Id, Fact<?>> current = new LinkedHashMap<>(); // guarded by lock
    private final Map<FactKind<?>, Source<?>> sources = new LinkedHashMap<>(); // guarded by lock
    private final List<FactListener> listeners = new CopyOnWriteArrayList<>();
    private ServiceContext ctx; // guarded by lock; null before start and after stop
    private boolean scheduled; // guarded by lock: the sources' periodic reads are running

    @Override
    public String name() {
        return "facts";
    }

    /**
     * Registers the source of one kind, read every {@code period} while someone listens ({@link
     * Duration#ZERO}: only on {@link #refresh} and when the first listener subscribes).
     *
     * @throws IllegalStateException when the kind already has a source
     */
    public <T> void addSource(FactKind<T> kind, Duration period, FactSource<T> source) {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(period);
        Objects.requireNonNull(source);
        if (period.isNegative()) {
            throw new IllegalArgumentException("negative period for " + kind + ": " + period);
        }
        Source<T> s = new Source<>(kind, period, source);
        synchronized (lock) {
            if (sources.putIfAbsent(kind, s) != null) {
                throw new IllegalStateException("fact kind " + kind + " already has a source");
            }
            if (scheduled) {
                s.schedule(ctx);
                s.requestRead(ctx.blocking());
            }
        }
    }

    /** Publishes one instance (delivered if new or changed). */
    public <T> void put(FactKind<T> kind, String instance, T value) {
        Fact<T> f = new Fact<>(kind, instance, value);
        synchronized (lock) {
            putLocked(f);
        }
    }

    /** Withdraws one instance (delivered if it existed). */
    public void remove(FactKind<?> kind, String instance) {
        synchronized (lock) {
            removeLocked(new Fact.Id(kind, instance));
        }
    }

    /**
     * Reads {@code kind}'s source again soon, on a worker (inline before start); requests that come
     * while a read is pending are merged into it. No-op for a kind without a source, and while
     * nobody listens (the first listener gets a fresh read anyway).
     */
    public void refresh(FactKind<?> kind) {
        Source<?> s;
        Executor ex;
        synchronized (lock) {
            if (listeners.isEmpty()) {
                return;
            }
            s = sources.get(kind);
            ex = ctx == null ? Runnable::run : ctx.blocking();
        }
        if (s != null) {
            s.requestRead(ex);
        }
    }

    /** {@link #refresh} of every source (after a resume or migration: everything may have changed). */
    public void refreshAll() {
        List<FactKind<?>> kinds;
        synchronized (lock) {
            kinds = new ArrayList<>(sources.keySet());
        }
        kinds.forEach(this::refresh);
    }

    /**
     * Subscribes {@code listener}: it is sent every current fact first, then every change. The
     * first subscription starts the sources' reads.
     *
     * @return closing it unsubscribes
     */
    public AutoCloseable subscribe(FactListener listener) {
        Objects.requireNonNull(listener);
        synchronized (lock) {
            listeners.add(listener);
            for (Fact<?> f : current.values()) {
                deliver(listener, f, null);
            }
            if (ctx != null && !scheduled) {
                scheduleLocked();
            }
        }
        return () -> listeners.remove(listener);
    }

    /** Every current fact, in publication order. */
    public List<Fact<?>> current() {
        synchronized (lock) {
            return List.copyOf(current.values());
        }
    }

    /** The current value of a one-instance kind, or null. */
    public <T> T get(FactKind<T> kind, String instance) {
        synchronized (lock) {
            Fact<?> f = current.get(new Fact.Id(kind, instance));
            return f == null ? null : kind.cast(f.value());
        }
    }

    @Override
    public void start(ServiceContext context) {
        synchronized (lock) {
            ctx = context;
            if (!listeners.isEmpty()) {
                scheduleLocked();
            }
        }
    }

    @Override
    public void stop() {
        synchronized (lock) {
            ctx = null; // the runtime cancels the periodic tasks of a stopping service
            scheduled = false;
        }
    }

    private void scheduleLocked() {
        scheduled = true;
        for (Source<?> s : sources.values()) {
            s.schedule(ctx);
            s.requestRead(ctx.blocking());
        }
    }

    private void putLocked(Fact<?> f) {
        Fact<?> old = current.get(f.id());
        if (old != null && old.value().equals(f.value())) {
            return;
        }
        current.put(f.id(), f);
        for (FactListener l : listeners) {
            deliver(l, f, null);
        }
    }

    private void removeLocked(Fact.Id id) {
        if (current.remove(id) == null) {
            return;
        }
        for (FactListener l : listeners) {
            deliver(l, null, id);
        }
    }

    /** Replaces every instance of {@code kind} with {@code snapshot}: puts, then withdrawals. */
    private <T> void apply(FactKind<T> kind, Map<String, T> snapshot) {
        synchronized (lock) {
            for (Map.Entry<String, T> e : snapshot.entrySet()) {
                putLocked(new Fact<>(kind, e.getKey(), e.getValue()));
            }
            List<Fact.Id> gone = new ArrayList<>();
            for (Fact.Id id : current.keySet()) {
                if (id.kind() == kind && !snapshot.containsKey(id.instance())) {
                    gone.add(id);
                }
            }
            gone.forEach(this::removeLocked);
        }
    }

    private static void deliver(FactListener l, Fact<?> changed, Fact.Id withdrawn) {
        try {
            if (changed != null) {
                l.changed(changed);
            } else {
                l.withdrawn(withdrawn);
            }
        } catch (RuntimeException e) {
            LOG.warn("fact listener {} failed on {}: {}", l, changed != null ? changed.id() : withdrawn, e.toString());
        }
    }

    /** One registered source: its period, and a flag that merges refresh requests. */
    private final class Source<T> {
        final FactKind<T> kind;
        final Duration period;
        final FactSource<T> reader;
        final AtomicBoolean pending = new AtomicBoolean();
        private final Map<String, Long> lastWarning = new HashMap<>();

        Source(FactKind<T> kind, Duration period, FactSource<T> reader) {
            this.kind = kind;
            this.period = period;
            this.reader = reader;
        }

        void schedule(ServiceContext c) {
            if (!period.isZero()) {
                c.every(period, "facts-" + kind.name(), this::read);
            }
        }

        void requestRead(Executor ex) {
            if (!pending.compareAndSet(false, true)) {
                return; // a read that has not started yet will see the newest state anyway
            }
            try {
                ex.execute(() -> {
                    pending.set(false);
                    read();
                });
            } catch (RejectedExecutionException stopping) {
                pending.set(false);
            }
        }

        synchronized void read() { // one read of a source at a time: snapshots apply in order
            Map<String, T> snapshot;
            try {
                snapshot = reader.read();
            } catch (Exception | Error e) {
                warn(e);
                return; // keep what was published: a transient failure is not a withdrawal
            }
            apply(kind, snapshot == null ? Map.of() : snapshot);
        }

        private void warn(Throwable e) {
            String key = e.getClass().getName() + ":" + e.getMessage();
            long now = System.nanoTime();
            synchronized (lastWarning) {
                Long last = lastWarning.get(key);
                if (last != null && now - last < WARN_INTERVAL_NANOS) {
                    return;
                }
                lastWarning.put(key, now);
            }
            LOG.warn("reading the {} facts failed (kept the last ones; logged once an hour): {}", kind, e.toString());
        }
    }
}
