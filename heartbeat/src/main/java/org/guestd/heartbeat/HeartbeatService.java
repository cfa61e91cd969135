// SPDX-License-Identifier: Apache-2.0
package org.guestd.heartbeat;

import java.time.Duration;
import org.guestd.core.AgentException;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;

/**
 * The {@code heartbeat} service: exports {@link Heartbeat}. Config section {@code [heartbeat]}:
 * {@code alive-window} (duration, default 300 s) — how old the last host contact may be for the
 * host to count as alive.
 */
public final class HeartbeatService implements AgentService {
    public static final String NAME = "heartbeat";
    public static final String KEY_ALIVE_WINDOW = "alive-window";
    public static final Duration DEFAULT_ALIVE_WINDOW = Duration.ofSeconds(300);

    private volatile HeartbeatTracker tracker;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        Duration window = ctx.config().getDuration(KEY_ALIVE_WINDOW, DEFAULT_ALIVE_WINDOW);
        if (window.isNegative() || window.isZero()) {
            throw AgentException.generic("[heartbeat] alive-window must be positive, got " + window);
        }
        HeartbeatTracker t = new HeartbeatTracker(ctx.clock(), window);
        ctx.export(Heartbeat.class, t);
        tracker = t;
    }

    /** The running tracker (null before start). */
    public Heartbeat heartbeat() {
        return tracker;
    }
}
