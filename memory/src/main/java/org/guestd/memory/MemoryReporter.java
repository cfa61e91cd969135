// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.time.Duration;
import java.util.Objects;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.FactSource;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory reporting: samples every {@code check-interval} and publishes the memory fact every
 * {@code report-interval}, and at once when available memory moved by more than {@code
 * available-threshold} percent of total since the last report, or memory pressure (PSI "some"
 * over 10 s) crossed {@code pressure-threshold} in either direction — so a balloon controller on
 * the host sees a change within one check, not a minute later. Channels map the fact to their
 * wire (Xen {@code data/meminfo_*}); QGA answers its memory-stats command from the newest sample
 * ({@link MemorySampler#latestWithin}).
 *
 * <p>The checks are the fact publisher's reads of the memory source: they run only while a channel
 * listens to facts. With none (a QGA-only guest) nothing is sampled in the background and the
 * agent's idle wake-ups stay low; a memory-stats request then samples when the last sample is older
 * than a check interval.
 *
 * <p>Config section {@code [memory]}: {@code report-interval} (default 10 s), {@code check-interval}
 * (default 5 s, at most the report interval), {@code available-threshold} (percent, default 5),
 * {@code pressure-threshold} (percent, default 10). A report interval of 0 turns reporting off.
 */
public final class MemoryReporter implements AgentService {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.memory");

    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    public static final double DEFAULT_AVAILABLE_THRESHOLD = 5.0;
    public static final double DEFAULT_PRESSURE_THRESHOLD = 10.0;

    private final MemorySampler sampler;
    private final FactPublisher facts;
    private final Clock clock;
    private final Duration reportInterval;
    private final Duration checkInterval;
    private final double availableThreshold;
    private final double pressureThreshold;
    private MemoryFact lastReported; // guarded by this
    private long lastReportNanos; // guarded by this

    public MemoryReporter(ConfigSection memory, MemorySampler sampler, FactPublisher facts, Clock clock)
            throws AgentException {
        this.sampler = Objects.requireNonNull(sampler);
        this.facts = Objects.requireNonNull(facts);
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

    @Override
    public String name() {
        return "memory";
    }

    /** How often memory is sampled while a channel listens (at most the report interval). */
    public Duration checkInterval() {
        return checkInterval;
    }

    /**
     * Registers the memory source with the fact publisher: read every check interval, and at once when
     * the first channel subscribes, only while one listens. Nothing runs here otherwise.
     */
    @Override
    public void start(ServiceContext ctx) {
        if (reportInterval.isZero()) {
            LOG.info("memory reporting is off ([memory] report-interval=0)");
            return;
        }
        facts.addSource(FactKind.MEMORY, checkInterval, FactSource.single(this::check));
    }

    /**
     * One check: samples; the result is the memory fact to publish — the new sample when a report is
     * due or a threshold was crossed, else the last one reported (which the publisher does not send
     * again).
     */
    public MemoryFact check() throws AgentException {
        MemoryFact now = sampler.sample();
        long mono = clock.monotonicNanos();
        synchronized (this) {
            String why = reason(now, mono);
            if (why != null) {
                LOG.debug("memory report ({}): available {} of {} bytes", why, now.availableBytes(),
                        now.totalBytes());
                lastReported = now;
                lastReportNanos = mono;
            }
            return lastReported;
        }
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
