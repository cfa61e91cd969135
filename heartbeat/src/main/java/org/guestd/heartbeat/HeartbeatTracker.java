// SPDX-License-Identifier: Apache-2.0
package org.guestd.heartbeat;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.guestd.core.env.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Heartbeat} implementation: the last contact and a count, on the injected monotonic clock. */
public final class HeartbeatTracker implements Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.heartbeat");

    private final Clock clock;
    private final Duration window;
    private final CopyOnWriteArrayList<Consumer<Contact>> listeners = new CopyOnWriteArrayList<>();
    private long count;
    private Contact last;

    /**
     * @param clock the monotonic time source
     * @param window how old the last contact may be for {@link #liveness()} to say alive
     */
    public HeartbeatTracker(Clock clock, Duration window) {
        this.clock = Objects.requireNonNull(clock);
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("liveness window must be positive: " + window);
        }
        this.window = window;
    }

    @Override
    public void contact(String source, ContactKind kind) {
        Contact c;
        synchronized (this) {
            count++;
            c = new Contact(source, kind, clock.monotonicNanos(), count);
            last = c;
        }
        if (c.count() == 1) {
            LOG.info("first host contact: {} {}", source, kind);
        }
        for (Consumer<Contact> l : listeners) {
            try {
                l.accept(c);
            } catch (RuntimeException e) {
                LOG.warn("heartbeat listener failed", e);
            }
        }
    }

    @Override
    public Liveness liveness() {
        Contact c;
        long n;
        synchronized (this) {
            c = last;
            n = count;
        }
        long since = c == null ? -1 : clock.monotonicNanos() - c.monotonicNanos();
        return new Liveness(n, c, since, window, c != null && since <= window.toNanos());
    }

    @Override
    public boolean aliveWithin(Duration w) {
        Contact c;
        synchronized (this) {
            c = last;
        }
        return c != null && clock.monotonicNanos() - c.monotonicNanos() <= w.toNanos();
    }

    @Override
    public AutoCloseable onContact(Consumer<Contact> listener) {
        Objects.requireNonNull(listener);
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
