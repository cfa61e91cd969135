// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TimeSync} the way qemu-ga 7.2 does guest-set-time on Linux: {@code /sbin/hwclock} must be
 * executable (else "not supported", checked first, as qemu-ga does); a given time must fall in
 * the years 1970..2069 of the local time zone ({@code g_date_set_time_t}); the clock is stepped
 * with microsecond precision ({@code settimeofday}); then {@code hwclock -w}. Without a time,
 * {@code hwclock -s}.
 */
public final class SystemTimeSync implements TimeSync {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.timesync");
    private static final Logger AUDIT = LoggerFactory.getLogger("org.guestd.audit");

    static final String INVALID_TIME = "Invalid time";
    static final String SET_FAILED = "Failed to set time to guest";
    static final String HWCLOCK_FAILED = "hwclock failed to set hardware clock to system time";

    private final Clock clock;
    private final CommandRunner runner;
    private final Path hwclock;
    private final Duration timeout;
    private final ZoneId zone;
    private final Consumer<String> audit;
    private volatile SetListener listener = new SetListener() {
        @Override
        public void beforeSet() {}

        @Override
        public void afterSet(boolean changed) {}
    };

    /**
     * Told around every set of the clock for a host, so that the clock healer never "corrects" a set
     * while it is in progress (the clock step it sees before hwclock and the new baseline are done).
     */
    public interface SetListener {
        /** The clock is about to be set: no correction until {@link #afterSet}. */
        void beforeSet();

        /**
         * The set is over. {@code changed}: the system clock was set (also when hwclock failed after
         * that); false when the set was refused before the clock was touched.
         */
        void afterSet(boolean changed);
    }

    public static final String KEY_HWCLOCK = "hwclock";
    public static final String KEY_HWCLOCK_TIMEOUT = "hwclock-timeout";
    public static final String DEFAULT_HWCLOCK = "/sbin/hwclock";
    public static final Duration DEFAULT_HWCLOCK_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The timesync feature as the agent builds it. Config section {@code [timesync]}: {@code
     * hwclock} (path, default {@code /sbin/hwclock}), {@code hwclock-timeout} (duration, default
     * 30 s).
     *
     * @param settable the clock to step: the agent passes the native, settable clock; tests a fake
     */
    public static SystemTimeSync fromConfig(ConfigSection config, Clock settable, CommandRunner runner)
            throws AgentException {
        Path hwclock = Path.of(config.getString(KEY_HWCLOCK, DEFAULT_HWCLOCK).trim());
        Duration timeout = config.getDuration(KEY_HWCLOCK_TIMEOUT, DEFAULT_HWCLOCK_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw AgentException.generic("[timesync] hwclock-timeout must be positive, got " + timeout);
        }
        return new SystemTimeSync(settable, runner, hwclock, timeout, ZoneId.systemDefault(), null);
    }

    /**
     * @param clock the clock to step (the agent wires the settable native clock)
     * @param hwclock the hwclock program ({@code /sbin/hwclock})
     * @param zone the zone the 1970..2069 check is made in (qemu-ga: local time)
     * @param audit where audit lines go, null for the {@code org.guestd.audit} logger
     */
    public SystemTimeSync(Clock clock, CommandRunner runner, Path hwclock, Duration timeout, ZoneId zone,
            Consumer<String> audit) {
        this.clock = Objects.requireNonNull(clock);
        this.runner = Objects.requireNonNull(runner);
        this.hwclock = Objects.requireNonNull(hwclock);
        this.timeout = Objects.requireNonNull(timeout);
        this.zone = Objects.requireNonNull(zone);
        this.audit = audit == null ? AUDIT::info : audit;
    }

    @Override
    public synchronized void setFromHost(long nanos, String requester) throws AgentException {
        long before = clock.realtimeNanos();
        SetListener l = listener;
        boolean changed = false;
        l.beforeSet();
        try {
            checkHwclock();
            // C division truncates toward zero, as Java's does: tv_sec, tv_usec as qemu-ga computes them
            long sec = nanos / 1_000_000_000L;
            long usec = (nanos % 1_000_000_000L) / 1000L;
            int year = Instant.ofEpochSecond(sec).atZone(zone).getYear();
            if (year < 1970 || year >= 2070) {
                throw AgentException.generic(INVALID_TIME);
            }
            if (usec < 0) {
                throw AgentException.generic(SET_FAILED + ": Invalid argument"); // settimeofday's EINVAL
            }
            try {
                clock.setRealtimeNanos(sec * 1_000_000_000L + usec * 1000L);
                changed = true;
            } catch (AgentException e) {
                if (AgentException.UNSUPPORTED.equals(e.getMessage())) {
                    throw e;
                }
                throw AgentException.generic(SET_FAILED + ": " + e.getMessage(), e);
            }
            hwclock("-w");
            audit.accept(line(requester, "set-from-host", nanos, "ok step=" + (nanos - before) + "ns"));
        } catch (AgentException e) {
            audit.accept(line(requester, "set-from-host", nanos, "failed error=" + e.getMessage()));
            throw e;
        } finally {
            l.afterSet(changed);
        }
    }

    @Override
    public synchronized void setFromRtc(String requester) throws AgentException {
        long before = clock.realtimeNanos();
        SetListener l = listener;
        boolean changed = false;
        l.beforeSet();
        try {
            checkHwclock();
            changed = true; // hwclock -s may have set the clock even when it then fails
            hwclock("-s");
            long after = clock.realtimeNanos();
            audit.accept(line(requester, "set-from-rtc", after, "ok step=" + (after - before) + "ns"));
        } catch (AgentException e) {
            audit.accept(line(requester, "set-from-rtc", before, "failed error=" + e.getMessage()));
            throw e;
        } finally {
            l.afterSet(changed);
        }
    }

    /** Who is told around every set (the clock healer: it keeps the host's choice and does not fight it). */
    public void listener(SetListener l) {
        this.listener = Objects.requireNonNull(l);
    }

    @Override
    public long now() {
        return clock.realtimeNanos();
    }

    private void checkHwclock() throws AgentException {
        if (!Files.isRegularFile(hwclock) || !Files.isExecutable(hwclock)) {
            throw AgentException.unsupported();
        }
    }

    private void hwclock(String flag) throws AgentException {
        List<String> argv = List.of(hwclock.toString(), flag);
        CommandRunner.CommandResult r;
        try {
            r = runner.run(argv, null, timeout);
        } catch (AgentException e) {
            LOG.warn("{} could not run: {}", String.join(" ", argv), e.getMessage());
            throw AgentException.generic(HWCLOCK_FAILED, e);
        }
        if (!r.ok()) {
            LOG.warn("{} exited with status {}: {}", String.join(" ", argv), r.exitCode(), r.stderrText().strip());
            throw AgentException.generic(HWCLOCK_FAILED);
        }
    }

    private static String line(String requester, String action, long nanos, String result) {
        return "time requester=" + requester + " action=" + action + " time=" + nanos + " result=" + result;
    }
}
