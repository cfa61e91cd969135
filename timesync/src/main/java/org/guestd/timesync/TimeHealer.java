// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time that heals itself. A VM that was paused, snapshotted, live-migrated or whose host slept
 * comes back with its clock behind, and stays behind until someone on the host runs {@code virsh
 * domtime --sync}. The healer notices without the host: every {@code interval} (and at once when
 * asked — a clock step, a resume, a Xen migration) it compares the system clock with the best
 * hypervisor time source present ({@link TimeSources}: KVM's or Hyper-V's PTP clock, else the RTC).
 *
 * <p>When the offset exceeds {@code threshold} (beyond what the host deliberately set: a
 * guest-set-time moves the baseline, so the host's choice is kept):
 * <ul>
 * <li>a running time daemon is asked to step and is not fought: chronyd with {@code chronyc -a
 *     makestep}, systemd-timesyncd by restarting it; ntpd steps large offsets on its own and is
 *     left alone (one log line);
 * <li>with no daemon (or {@code mode=step}) the healer steps the clock itself to the source's time.
 * </ul>
 * Each correction is logged and audited with the source and the offset.
 *
 * <p>Config {@code [timesync]}: {@code mode} ({@code auto} | {@code step} | {@code off}, default
 * auto), {@code threshold} (default 1 s), {@code interval} (default 10 s), {@code chronyc} (default
 * {@code chronyc}), {@code systemctl} (default {@code systemctl}).
 */
public final class TimeHealer implements AgentService, SystemTimeSync.SetListener {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.timesync");
    private static final Logger AUDIT = LoggerFactory.getLogger("org.guestd.audit");
    private static final Duration DAEMON_RETRY = Duration.ofSeconds(60);

    /** What to do about an offset. */
    public enum Mode { AUTO, STEP, OFF }

    /** The last correction, for status reports. */
    public record Correction(long atNanos, String source, long offsetNanos, String action) {}

    private final Mode mode;
    private final Duration threshold;
    private final Duration interval;
    private final Clock clock;
    private final CommandRunner runner;
    private final Supplier<Optional<TimeSource>> detect;
    private final Supplier<Optional<NtpDaemons.Daemon>> daemons;
    private final String chronyc;
    private final String systemctl;
    private TimeSource source; // guarded by this
    private long baselineNanos; // guarded by this: the offset the host chose (guest-set-time)
    private long lastDaemonAskNanos = Long.MIN_VALUE; // guarded by this
    private int hostSetting; // guarded by this: host sets of the clock in progress
    private volatile Correction last;
    private volatile long lastOffsetNanos;
    private volatile long lastCheckNanos; // wall clock of the last check, 0 before the first
    private volatile String sourceName; // the source's description while one is in use
    private volatile Runnable afterCorrection = () -> { };

    /**
     * @param clock the system clock, settable (the agent's native clock)
     * @param detect finds the time source (at start)
     * @param daemons which time daemon runs now
     */
    TimeHealer(ConfigSection config, Clock clock, CommandRunner runner, Supplier<Optional<TimeSource>> detect,
            Supplier<Optional<NtpDaemons.Daemon>> daemons) throws AgentException {
        String m = config.getString("mode", "auto").strip().toUpperCase(Locale.ROOT);
        try {
            this.mode = Mode.valueOf(m);
        } catch (IllegalArgumentException e) {
            throw AgentException.generic("[timesync] mode: not auto, step or off: " + config.getString("mode", ""));
        }
        this.threshold = config.getDuration("threshold", Duration.ofSeconds(1));
        this.interval = config.getDuration("interval", Duration.ofSeconds(10));
        if (threshold.isNegative() || threshold.isZero() || interval.isNegative() || interval.isZero()) {
            throw AgentException.generic("[timesync] threshold and interval must be positive");
        }
        this.clock = Objects.requireNonNull(clock);
        this.runner = Objects.requireNonNull(runner);
        this.detect = Objects.requireNonNull(detect);
        this.daemons = Objects.requireNonNull(daemons);
        this.chronyc = config.getString("chronyc", "chronyc");
        this.systemctl = config.getString("systemctl", "systemctl");
    }

    /** The healer on the live machine: sources under {@code paths}, daemons from its /proc. */
    public static TimeHealer create(ConfigSection config, Clock settable, CommandRunner runner,
            HostPaths paths) throws AgentException {
        return new TimeHealer(config, settable, runner, () -> TimeSources.detect(paths, PtpTimeSource::open),
                () -> NtpDaemons.running(paths.proc()));
    }

    @Override
    public String name() {
        return "timesync";
    }

    @Override
    public void start(ServiceContext ctx) {
        if (mode == Mode.OFF) {
            LOG.info("clock healing is off ([timesync] mode=off)");
            return;
        }
        Optional<TimeSource> s = detect.get();
        if (s.isEmpty()) {
            LOG.info("no hypervisor time source (no KVM/Hyper-V PTP clock, no RTC): the clock is not healed");
            return;
        }
        synchronized (this) {
            source = s.get();
            sourceName = source.describe();
        }
        LOG.info("clock healing against {} every {} s (threshold {} ms, mode {})", s.get().describe(),
                interval.toSeconds(), threshold.toMillis(), mode.name().toLowerCase(Locale.ROOT));
        ctx.every(interval, "clock-check", this::check);
    }

    @Override
    public synchronized void stop() {
        if (source != null) {
            source.close();
            source = null;
            sourceName = null;
        }
    }

    /**
     * A host is setting the clock (guest-set-time): no check corrects anything until {@link #afterSet},
     * not even the one the clock step itself triggers — before hwclock and the new baseline are done,
     * the host's own set would look like drift and be undone.
     */
    @Override
    public synchronized void beforeSet() {
        hostSetting++;
    }

    /** The host's set is over: when it changed the clock, the new offset is the host's choice. */
    @Override
    public synchronized void afterSet(boolean changed) {
        if (hostSetting > 0) {
            hostSetting--;
        }
        if (changed) {
            hostSetTheClock();
        }
    }

    /**
     * The host set the clock on purpose (guest-set-time): the offset to the source from now on is
     * the host's choice, not drift.
     */
    public synchronized void hostSetTheClock() {
        if (source == null) {
            return;
        }
        try {
            baselineNanos = source.nowNanos() - clock.realtimeNanos();
        } catch (AgentException e) {
            LOG.debug("cannot read {} after a set: {}", source.describe(), e.getMessage());
        }
    }

    /** Compares the clock with the source now and corrects it when it is off (also after a resume). */
    public synchronized void check() {
        if (source == null || hostSetting > 0) {
            return;
        }
        long offset;
        try {
            offset = source.nowNanos() - clock.realtimeNanos() - baselineNanos;
        } catch (AgentException e) {
            throw new IllegalStateException(e.getMessage(), e); // the runtime logs it, rate-limited
        }
        lastOffsetNanos = offset;
        lastCheckNanos = clock.realtimeNanos();
        long slack = Math.max(threshold.toNanos(), source.resolutionNanos());
        if (Math.abs(offset) <= slack) {
            return;
        }
        Optional<NtpDaemons.Daemon> daemon = mode == Mode.AUTO ? daemons.get() : Optional.empty();
        if (daemon.isPresent()) {
            askDaemon(daemon.get(), offset);
            return;
        }
        step(offset);
    }

    private void step(long offset) {
        long target;
        try {
            target = source.nowNanos() - baselineNanos;
            clock.setRealtimeNanos(target);
        } catch (AgentException e) {
            LOG.warn("cannot step the clock by {} ms: {}", offset / 1_000_000, e.getMessage());
            return;
        }
        record(offset, "stepped");
    }

    private void askDaemon(NtpDaemons.Daemon d, long offset) {
        long now = clock.monotonicNanos();
        if (lastDaemonAskNanos != Long.MIN_VALUE && now - lastDaemonAskNanos < DAEMON_RETRY.toNanos()) {
            return; // asked recently: give it time, do not fight it
        }
        lastDaemonAskNanos = now;
        List<String> argv = switch (d) {
            case CHRONYD -> List.of(chronyc, "-a", "makestep");
            case TIMESYNCD -> List.of(systemctl, "restart", "systemd-timesyncd.service");
            case NTPD -> null;
        };
        if (argv == null) {
            record(offset, "left to ntpd");
            return;
        }
        try {
            CommandRunner.CommandResult r = runner.run(argv, null, Duration.ofSeconds(10));
            record(offset, "asked " + String.join(" ", argv) + (r.ok() ? "" : " (status " + r.exitCode() + ")"));
        } catch (AgentException e) {
            record(offset, "could not ask " + argv.get(0) + ": " + e.getMessage());
        }
    }

    private void record(long offset, String action) {
        Correction c = new Correction(clock.realtimeNanos(), source.describe(), offset, action);
        last = c;
        LOG.info("clock was {} ms off {}: {}", offset / 1_000_000, source.describe(), action);
        AUDIT.info("timesync heal: source={} offset={}ns action={}", source.describe(), offset, action);
        afterCorrection.run();
    }

    /** Registers what runs after each correction (the status file is rewritten). Must be quick. */
    public void afterCorrection(Runnable r) {
        this.afterCorrection = Objects.requireNonNull(r);
    }

    /** The configured mode. */
    public Mode mode() {
        return mode;
    }

    /** The configured threshold. */
    public Duration threshold() {
        return threshold;
    }

    /** The time source in use ({@link TimeSource#describe}), or empty when the clock is not healed. */
    public Optional<String> sourceName() {
        return Optional.ofNullable(sourceName);
    }

    /** When the last check ran (wall clock, ns), or 0 when none has. */
    public long lastCheckNanos() {
        return lastCheckNanos;
    }

    /** The last correction, if any. */
    public Optional<Correction> lastCorrection() {
        return Optional.ofNullable(last);
    }

    /** The offset measured by the last check, ns (source minus system, beyond the host's baseline). */
    public long lastOffsetNanos() {
        return lastOffsetNanos;
    }
}
