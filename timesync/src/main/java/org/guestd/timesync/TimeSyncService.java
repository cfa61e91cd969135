// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;

/**
 * The {@code timesync} service: exports {@link TimeSync}. Config section {@code [timesync]}:
 * {@code hwclock} (path, default {@code /sbin/hwclock}), {@code hwclock-timeout} (duration,
 * default 30 s).
 *
 * <p>The clock it steps is the one given to the constructor (the agent passes the native,
 * settable clock), else the context's clock (read-only in production, a fake in tests).
 */
public final class TimeSyncService implements AgentService {
    public static final String NAME = "timesync";
    public static final String KEY_HWCLOCK = "hwclock";
    public static final String KEY_HWCLOCK_TIMEOUT = "hwclock-timeout";
    public static final String DEFAULT_HWCLOCK = "/sbin/hwclock";
    public static final Duration DEFAULT_HWCLOCK_TIMEOUT = Duration.ofSeconds(30);

    private final Clock settable;

    /** Uses the context's clock. */
    public TimeSyncService() {
        this(null);
    }

    /** @param settable the clock to step, or null for the context's */
    public TimeSyncService(Clock settable) {
        this.settable = settable;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        Path hwclock = Path.of(ctx.config().getString(KEY_HWCLOCK, DEFAULT_HWCLOCK).trim());
        Duration timeout = ctx.config().getDuration(KEY_HWCLOCK_TIMEOUT, DEFAULT_HWCLOCK_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw AgentException.generic("[timesync] hwclock-timeout must be positive, got " + timeout);
        }
        Clock clock = settable != null ? settable : ctx.clock();
        ctx.export(TimeSync.class,
                new SystemTimeSync(clock, ctx.commands(), hwclock, timeout, ZoneId.systemDefault(), null));
    }
}
