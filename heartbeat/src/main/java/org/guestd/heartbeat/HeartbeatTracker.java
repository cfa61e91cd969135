// SPDX-License-Identifier: Apache-2.0
package org.guestd.heartbeat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Heartbeat} implementation: the last contact and a count, on the injected monotonic clock. */
public final class HeartbeatTracker implements Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.heartbeat");

    private final Clock clock;
    private final Duration window;
    private final Map<String, Contact> lastBySource = new HashMap<>(); // guarded by this
    private final Map<String, Long> countBySource = new HashMap<>(); // guarded by this
    private long count;
    private Contact last;
    private volatile Runnable onNewSource = () -> { };

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

    public static final String KEY_ALIVE_WINDOW = "alive-window";
    public static final Duration DEFAULT_ALIVE_WINDOW = Duration.ofSeconds(300);

    /**
     * The heartbeat feature as the agent builds it. Config section {@code [heartbeat]}: {@code
     * alive-window} (duration, default 300 s) — how old the last host contact may be for the host
     * to count as alive.
     */
    public static HeartbeatTracker fromConfig(ConfigSection config, Clock clock) throws AgentException {
        Duration window = config.getDuration(KEY_ALIVE_WINDOW, DEFAULT_ALIVE_WINDOW);
        if (window.isNegative() || window.isZero()) {
            throw AgentException.generic("[heartbeat] alive-window must be positive, got " + window);
        }
        return new HeartbeatTracker(clock, window);
    }

    /** The configured window. */
    public Duration window() {
        return window;
    }

    /**
     * Registers what runs when a source makes its first contact (the status file is rewritten: a channel
     * went from "no contact yet" to "in contact"). Runs on the contacting thread; must be quick.
     */
    public void onNewSource(Runnable r) {
        this.onNewSource = Objects.requireNonNull(r);
    }

    @Override
    public void contact(String source, ContactKind kind) {
        Contact c;
        boolean newSource;
        synchronized (this) {
            count++;
            c = new Contact(source, kind, clock.monotonicNanos(), count);
            last = c;
            newSource = lastBySource.put(source, c) == null;
            countBySource.merge(source, 1L, Long::sum);
        }
        if (c.count() == 1) {
            LOG.info("first host contact: {} {}", source, kind);
        }
        if (newSource) {
            onNewSource.run();
        }
    }

    /** How many contacts {@code source} made since start. */
    public synchronized long contacts(String source) {
        return countBySource.getOrDefault(source, 0L);
    }

    @Override
    public synchronized Map<String, Contact> lastContactBySource() {
        return Map.copyOf(lastBySource);
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
}
