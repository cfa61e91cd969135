// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.core.testing.FixtureTree;
import org.guestd.core.testing.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clock healer against a fake hypervisor clock: step, defer to a daemon, keep the host's choice. */
class TimeHealerTest {
    private static final long T0 = 1_800_000_000_000_000_000L;
    private final FakeClock clock = new FakeClock(T0);
    private final AtomicLong hostNanos = new AtomicLong(T0);
    private final FakeCommandRunner runner = new FakeCommandRunner();
    private Optional<NtpDaemons.Daemon> daemon = Optional.empty();

    @TempDir
    Path tmp;

    private final TimeSource host = new TimeSource() {
        @Override
        public String describe() {
            return "ptp0 (KVM virtual PTP)";
        }

        @Override
        public long nowNanos() {
            return hostNanos.get();
        }

        @Override
        public long resolutionNanos() {
            return 1000;
        }
    };

    private TimeHealer healer(Map<String, String> config) throws AgentException {
        TimeHealer h = new TimeHealer(new ConfigSection("timesync", config), clock, runner, () -> Optional.of(host),
                () -> daemon);
        TestContext ctx = new TestContext("timesync").recordPeriodic();
        h.start(ctx);
        assertEquals(Duration.ofSeconds(10), ctx.periodic.get(0).period);
        return h;
    }

    /** The guest was paused for 20 s: the host's clock went on, the guest's did not. */
    private void pause(long seconds) {
        hostNanos.addAndGet(seconds * 1_000_000_000L);
    }

    @Test
    void aClockLeftBehindIsSteppedToTheSource() throws Exception {
        TimeHealer h = healer(Map.of());
        h.check();
        assertEquals(List.of(), clock.sets(), "in step: nothing to do");
        pause(20);
        h.check();
        assertEquals(List.of(T0 + 20_000_000_000L), clock.sets());
        assertEquals("stepped", h.lastCorrection().orElseThrow().action());
        assertEquals(20_000_000_000L, h.lastCorrection().orElseThrow().offsetNanos());
        h.check();
        assertEquals(1, clock.sets().size(), "healed: nothing more");
    }

    @Test
    void offsetsWithinTheThresholdAreLeftAlone() throws Exception {
        TimeHealer h = healer(Map.of("threshold", "2s"));
        hostNanos.addAndGet(1_900_000_000L);
        h.check();
        assertEquals(List.of(), clock.sets());
        assertEquals(1_900_000_000L, h.lastOffsetNanos());
    }

    @Test
    void aRunningChronydIsAskedToStepAndNotFought() throws Exception {
        daemon = Optional.of(NtpDaemons.Daemon.CHRONYD);
        runner.answer(List.of("chronyc", "-a", "makestep"), 0, "200 OK");
        TimeHealer h = healer(Map.of());
        pause(30);
        h.check();
        h.check(); // chrony gets a minute before it is asked again
        assertEquals(List.of(List.of("chronyc", "-a", "makestep")), runner.calls());
        assertEquals(List.of(), clock.sets());
        clock.advance(Duration.ofSeconds(61).toNanos());
        h.check();
        assertEquals(2, runner.calls().size());
    }

    @Test
    void timesyncdIsRestartedNtpdIsLeftAloneAndModeStepStepsAnyway() throws Exception {
        daemon = Optional.of(NtpDaemons.Daemon.TIMESYNCD);
        runner.answer(List.of("systemctl", "restart", "systemd-timesyncd.service"), 0, "");
        TimeHealer h = healer(Map.of());
        pause(5);
        h.check();
        assertEquals(List.of(List.of("systemctl", "restart", "systemd-timesyncd.service")), runner.calls());

        daemon = Optional.of(NtpDaemons.Daemon.NTPD);
        TimeHealer n = healer(Map.of());
        n.check();
        assertEquals("left to ntpd", n.lastCorrection().orElseThrow().action());
        assertEquals(List.of(), clock.sets());

        TimeHealer s = healer(Map.of("mode", "step"));
        s.check();
        assertEquals(1, clock.sets().size(), "mode=step steps even with a daemon");
    }

    @Test
    void theHostsDeliberateSetIsKept() throws Exception {
        TimeHealer h = healer(Map.of());
        clock.setRealtimeNanos(T0 + 3_600_000_000_000L); // guest-set-time +1 h
        h.hostSetTheClock();
        h.check();
        assertEquals(1, clock.sets().size(), "the host's +1 h is not undone");
        pause(20);
        h.check();
        assertEquals(T0 + 3_620_000_000_000L, clock.sets().get(1), "healed relative to the host's choice");
    }

    @Test
    void configAndSourceDetection() throws Exception {
        assertThrows(AgentException.class, () -> healer(Map.of("mode", "sometimes")));
        TestContext ctx = new TestContext("timesync"); // refuses periodic tasks: off schedules none
        new TimeHealer(new ConfigSection("timesync", Map.of("mode", "off")), clock, runner, () -> Optional.of(host),
                () -> daemon).start(ctx);
        FixtureTree t = new FixtureTree(tmp);
        t.file("sys/class/ptp/ptp0/clock_name", "some NIC\n");
        t.file("sys/class/ptp/ptp1/clock_name", "KVM virtual PTP\n");
        t.file("sys/class/rtc/rtc0/since_epoch", "1800000000\n");
        List<String> opened = new ArrayList<>();
        TimeSource s = TimeSources.detect(t.paths(), (dev, name) -> {
            opened.add(dev + "|" + name);
            return host;
        }).orElseThrow();
        assertEquals(List.of(t.paths().dev().resolve("ptp1") + "|KVM virtual PTP"), opened);
        assertEquals(host, s);
        TimeSources.PtpOpener none = (dev, name) -> {
            throw AgentException.generic("no ptp_kvm");
        };
        assertTrue(TimeSources.detect(t.paths(), none).isEmpty(), "a physical machine's RTC is never a source");
        t.file("sys/class/dmi/id/sys_vendor", "QEMU\n");
        TimeSource rtc = TimeSources.detect(t.paths(), none).orElseThrow();
        assertEquals("rtc0", rtc.describe());
        assertEquals(1_800_000_000_500_000_000L, rtc.nowNanos());
        t.file("proc/1/comm", "systemd\n").file("proc/77/comm", "chronyd\n").file("proc/self/comm", "java\n");
        assertEquals(Optional.of(NtpDaemons.Daemon.CHRONYD), NtpDaemons.running(t.paths().proc()));
        assertTrue(NtpDaemons.running(tmp.resolve("none")).isEmpty());
    }

    @Test
    void statusAccessorsAndTheCorrectionSignal() throws Exception {
        TimeHealer h = healer(Map.of("threshold", "1500ms"));
        AtomicInteger signals = new AtomicInteger();
        h.afterCorrection(signals::incrementAndGet);
        assertEquals(TimeHealer.Mode.AUTO, h.mode());
        assertEquals(Duration.ofMillis(1500), h.threshold());
        assertEquals(Optional.of("ptp0 (KVM virtual PTP)"), h.sourceName());
        assertEquals(0, h.lastCheckNanos(), "no check yet");
        clock.advance(7);
        h.check();
        assertEquals(T0 + 7, h.lastCheckNanos());
        assertEquals(0, signals.get(), "no correction, no signal");
        pause(20);
        h.check();
        assertEquals(1, signals.get());
        h.stop();
        assertEquals(Optional.empty(), h.sourceName(), "stopped: no source in use");
    }

    /**
     * guest-set-time through the real TimeSync while the check the clock step triggers runs in the
     * middle of it (as the clock-jump watch makes it run: before hwclock and the new baseline are
     * done), with an RTC kept in local time (busybox's hwclock without /etc/adjtime, a dual-boot
     * guest): the host's set must stand, and a later pause is healed relative to it.
     */
    @Test
    void aCheckInTheMiddleOfTheHostsSetDoesNotUndoIt() throws Exception {
        TimeHealer h = healer(Map.of());
        Path hwclock = tmp.resolve("hwclock");
        Files.writeString(hwclock, "#!/bin/sh\n");
        assertTrue(hwclock.toFile().setExecutable(true));
        long localOffset = 3_600_000_000_000L; // the RTC is written in CET
        CommandRunner rtcWriter = (argv, stdin, timeout) -> {
            h.check(); // the step's own check, before the RTC is written
            hostNanos.set(clock.realtimeNanos() + localOffset); // hwclock -w: the RTC now shows local time
            h.check(); // and after, still before the baseline
            return new CommandRunner.CommandResult(0, new byte[0], new byte[0]);
        };
        SystemTimeSync sync = new SystemTimeSync(clock, rtcWriter, hwclock, Duration.ofSeconds(5),
                ZoneOffset.UTC, line -> { });
        sync.listener(h);
        long target = T0 + 3_600_000_000_000L;
        sync.setFromHost(target, "qga");
        assertEquals(List.of(target), clock.sets(), "only the host's set: the checks in between did nothing");
        h.check();
        assertEquals(1, clock.sets().size(), "afterwards the host's choice is the baseline");
        pause(20);
        h.check();
        assertEquals(target + 20_000_000_000L, clock.sets().get(1), "a pause is healed relative to the host's set");
    }

    @Test
    void aRefusedSetChangesNothing() throws Exception {
        TimeHealer h = healer(Map.of());
        pause(20); // drift the healer has not seen yet
        h.beforeSet();
        h.check();
        assertEquals(List.of(), clock.sets(), "no correction while a set is in progress");
        h.afterSet(false); // refused before the clock was touched: the drift is not the host's choice
        h.check();
        assertEquals(List.of(T0 + 20_000_000_000L), clock.sets());
    }
}
