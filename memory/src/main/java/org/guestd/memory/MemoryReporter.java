// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.FactSource;
import org.guestd.core.facts.MemoryFact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory reporting, as the source of the memory fact: while a channel listens, the publisher
 * reads it every {@code check-interval}; it samples, and hands out a new fact every {@code
 * report-interval}, and at once when available memory moved by more than {@code
 * available-threshold} percent of total since the last report, or memory pressure (PSI "some"
 * over 10 s) crossed {@code pressure-threshold} in either direction — so a balloon controller on
 * the host sees a change within one check, not a minute later. In between it hands out the last
 * reported fact, which the publisher does not push again. With no channel listening nothing is
 * sampled (no timer, no wake-ups); QGA's memory-stats command samples on demand.
 *
 * <p>Config section {@code [memory]}: {@code report-interval} (default 10 s), {@code check-interval}
 * (default 5 s, at most the report interval), {@code available-threshold} (percent, default 5),
 * {@code pressure-threshold} (percent, default 10). A report interval of 0 turns reporting off.
 */
public final class MemoryReporter implements FactSource<MemoryFact> {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.memory");

    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    public static final double DEFAULT_AVAILABLE_THRESHOLD = 5.0;
    public static final double DEFAULT_PRESSURE_THRESHOLD = 10.0;

    private final MemorySampler sampler;
    private final Clock clock;
    private final Duration reportInterval;
    private final Duration checkInterval;
    private final double availableThreshold;
    private final double pressureThreshold;
    private MemoryFact lastReported; // guarded by this
    private long lastReportNanos; // guarded by this

    public MemoryReporter(ConfigSection memory, MemorySampler sampler, Clock clock) throws AgentException {
        this.sampler = Objects.requireNonNull(sampler);
        this.clock = Objects.requireNonNull(clock);
        this.reportInterval = memory.getDuration("report-interval", DEFAULT_REPORT_INTERVAL);
        Duration check = memory.getDuration("check-interval", DEFAULT_CHECK_INTERVAL);
        this.availableThreshold = percent(memory, "available-threshold", DEFAULT_AVAILABLE_THRESHOLD);
        this.pressureThreshold = percent(memory, "pressure-threshold", DEFAULT_PRESSURE_THRESHOLD);
        if (reportInterval.isNegative() || check.isNegative() || check.isZero() && !reportInterval.isZero()) {
            throw AgentException.generic("[memory] report-interval must not be negative and check-interval must be"
                    + " positive");
        }
        this.checkInterval = check.compareTo(reportInterval) > 0 ? reportInterval : check;
    }

    private static double percent(ConfigSection c, String key, double dflt) throws AgentException {
        String v = c.getString(key, null);
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v.strip().replace("%", ""));
            if (d < 0 || d > 100 || Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw AgentException.generic("[memory] " + key + ": not a percentage: " + v);
        }
    }

    /** Registers this reporter as the source of the memory fact (nothing when reporting is off). */
    public void register(FactPublisher facts) {
        if (reportInterval.isZero()) {
            LOG.info("memory reporting is off ([memory] report-interval=0)");
            return;
        }
        facts.addSource(FactKind.MEMORY, checkInterval, this);
    }

    /** How often the publisher reads this source while a channel listens. */
    public Duration checkInterval() {
        return checkInterval;
    }

    /**
     * One check: samples, and returns a new fact when a report is due or a threshold was crossed,
     * else the last reported one (unchanged: not pushed again).
     */
    @Override
    public synchronized Map<String, MemoryFact> read() throws AgentException {
        MemoryFact now = sampler.sample();
        long mono = clock.monotonicNanos();
        String why = reason(now, mono);
        if (why != null) {
            LOG.debug("memory report ({}): available {} of {} bytes", why, now.availableBytes(), now.totalBytes());
            lastReported = now;
            lastReportNanos = mono;
        }
        return Map.of(FactKind.SINGLE, lastReported);
    }

    /** Why {@code now} must be reported, or null. */
    private String reason(MemoryFact now, long mono) {
        if (lastReported == null) {
            return "first";
        }
        if (mono - lastReportNanos >= reportInterval.toNanos()) {
            return "interval";
        }
        double moved = Math.abs(now.availableBytes() - lastReported.availableBytes());
        if (now.totalBytes() > 0 && moved * 100.0 / now.totalBytes() > availableThreshold) {
            return "available moved";
        }
        if (pressed(now) != pressed(lastReported)) {
            return "pressure crossed";
        }
        return null;
    }

    private boolean pressed(MemoryFact f) {
        return f.pressure() != null && f.pressure().someAvg10() >= pressureThreshold;
    }
}
