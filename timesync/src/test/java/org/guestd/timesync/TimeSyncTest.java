// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.core.config.ConfigSection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeSyncTest {
    private static final long NOW = 1_700_000_000_123_456_789L;

    @TempDir
    Path tmp;

    private Path hwclock;
    private final FakeClock clock = new FakeClock(NOW);
    private final FakeCommandRunner runner = new FakeCommandRunner();
    private final List<String> audit = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        hwclock = tmp.resolve("hwclock");
        Files.writeString(hwclock, "#!/bin/sh\n");
        Files.setPosixFilePermissions(hwclock, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private TimeSync sync(Clock c, ZoneId zone) {
        return new SystemTimeSync(c, runner, hwclock, Duration.ofSeconds(5), zone, audit::add);
    }

    private TimeSync sync() {
        return sync(clock, ZoneOffset.UTC);
    }

    @Test
    void setFromHostStepsWithMicrosecondsThenWritesTheRtc() throws Exception {
        runner.answer(hwclock.toString(), 0, "");
        sync().setFromHost(1_800_000_000_987_654_321L, "qga");
        assertEquals(List.of(1_800_000_000_987_654_000L), clock.sets(), "settimeofday: µs precision");
        assertEquals(List.of(List.of(hwclock.toString(), "-w")), runner.calls());
        assertEquals("time requester=qga action=set-from-host time=1800000000987654321 result=ok step="
                + (1_800_000_000_987_654_321L - NOW) + "ns", audit.get(0));
    }

    @Test
    void setFromRtcRunsHwclockS() throws Exception {
        runner.answer(hwclock.toString(), 0, "");
        TimeSync t = sync();
        t.setFromRtc("qga");
        assertEquals(List.of(List.of(hwclock.toString(), "-s")), runner.calls());
        assertEquals(List.of(), clock.sets());
        assertEquals(NOW, t.now());
        assertTrue(audit.get(0).startsWith("time requester=qga action=set-from-rtc"), audit.get(0));
    }

    @Test
    void noHwclockIsUnsupportedBeforeAnyCheck() throws Exception {
        Files.delete(hwclock);
        AgentException e = assertThrows(AgentException.class, () -> sync().setFromHost(-5, "qga"));
        assertEquals("this feature or command is not currently supported", e.getMessage());
        e = assertThrows(AgentException.class, () -> sync().setFromRtc("qga"));
        assertEquals("this feature or command is not currently supported", e.getMessage());
        assertEquals(List.of(), runner.calls());
        assertEquals(List.of(), clock.sets());
    }

    @Test
    void nonExecutableHwclockIsUnsupported() throws Exception {
        Files.setPosixFilePermissions(hwclock, PosixFilePermissions.fromString("rw-r--r--"));
        AgentException e = assertThrows(AgentException.class, () -> sync().setFromRtc("qga"));
        assertEquals("this feature or command is not currently supported", e.getMessage());
    }

    @Test
    void yearsOutside1970To2069AreInvalid() throws Exception {
        runner.answer(hwclock.toString(), 0, "");
        long y2070 = 3_155_760_000L * 1_000_000_000L; // 2070-01-01T00:00:00Z
        AgentException e = assertThrows(AgentException.class, () -> sync().setFromHost(y2070, "qga"));
        assertEquals("Invalid time", e.getMessage());
        sync().setFromHost(y2070 - 1_000_000_000L, "qga"); // 2069-12-31T23:59:59Z is fine
        e = assertThrows(AgentException.class, () -> sync().setFromHost(-1_000_000_000L, "qga"));
        assertEquals("Invalid time", e.getMessage());
        assertEquals(List.of(y2070 - 1_000_000_000L), clock.sets());
        assertTrue(audit.get(0).endsWith("result=failed error=Invalid time"), audit.get(0));
    }

    @Test
    void theYearIsJudgedInTheLocalZoneAsGDateDoes() throws Exception {
        runner.answer(hwclock.toString(), 0, "");
        // 1970-01-01T00:30Z is still 1969 in New York
        AgentException e = assertThrows(AgentException.class,
                () -> sync(clock, ZoneId.of("America/New_York")).setFromHost(1_800_000_000_000L, "qga"));
        assertEquals("Invalid time", e.getMessage());
        sync(clock, ZoneId.of("Europe/Berlin")).setFromHost(1_800_000_000_000L, "qga");
    }

    @Test
    void negativeSubsecondIsSettimeofdaysEinval() {
        AgentException e = assertThrows(AgentException.class, () -> sync().setFromHost(-1500, "qga"));
        assertEquals("Failed to set time to guest: Invalid argument", e.getMessage());
    }

    @Test
    void clockRefusalIsReported() {
        Clock refusing = new StoppedClock() {
            @Override
            public void setRealtimeNanos(long nanos) throws AgentException {
                throw AgentException.generic("Operation not permitted");
            }
        };
        AgentException e = assertThrows(AgentException.class, () -> sync(refusing, ZoneOffset.UTC).setFromHost(NOW, "qga"));
        assertEquals("Failed to set time to guest: Operation not permitted", e.getMessage());
        assertEquals(List.of(), runner.calls(), "hwclock -w only after the clock was set");
    }

    @Test
    void aReadOnlyClockIsUnsupported() {
        Clock readOnly = new StoppedClock();
        AgentException e = assertThrows(AgentException.class, () -> sync(readOnly, ZoneOffset.UTC).setFromHost(NOW, "qga"));
        assertEquals("this feature or command is not currently supported", e.getMessage());
    }

    @Test
    void hwclockFailureText() {
        runner.answer(hwclock.toString(), 1, "");
        AgentException e = assertThrows(AgentException.class, () -> sync().setFromRtc("qga"));
        assertEquals("hwclock failed to set hardware clock to system time", e.getMessage());
        e = assertThrows(AgentException.class, () -> sync().setFromHost(NOW, "qga"));
        assertEquals("hwclock failed to set hardware clock to system time", e.getMessage());
        assertEquals(List.of(NOW / 1000 * 1000), clock.sets(), "the system clock was set before hwclock failed");
    }

    @Test
    void theListenerIsToldAroundEverySetAndWhetherTheClockChanged() {
        List<String> told = new ArrayList<>();
        SystemTimeSync ts = (SystemTimeSync) sync();
        ts.listener(new SystemTimeSync.SetListener() {
            @Override
            public void beforeSet() {
                told.add("before " + clock.sets().size());
            }

            @Override
            public void afterSet(boolean changed) {
                told.add("after " + changed + " " + clock.sets().size() + " " + runner.calls().size());
            }
        });
        runner.answer(hwclock.toString(), 0, "");
        assertDoesNotThrow(() -> ts.setFromHost(NOW + 5, "qga"));
        assertEquals(List.of("before 0", "after true 1 1"), told, "told before the step, after hwclock");
        told.clear();
        assertThrows(AgentException.class, () -> ts.setFromHost(4_102_444_800_000_000_000L, "qga")); // 2100
        assertEquals(List.of("before 1", "after false 1 1"), told, "refused before the clock was touched");
        told.clear();
        runner.answer(hwclock.toString(), 1, "");
        assertThrows(AgentException.class, () -> ts.setFromHost(NOW, "qga"));
        assertEquals(List.of("before 1", "after true 2 2"), told, "hwclock failed, but the clock was set");
    }

    @Test
    void hwclockThatCannotStartIsTheSameText() {
        AgentException e = assertThrows(AgentException.class, () -> sync().setFromRtc("qga"));
        assertEquals("hwclock failed to set hardware clock to system time", e.getMessage());
    }

    @Test
    void builtFromItsSectionOverTheGivenClock() throws Exception {
        runner.answer(List.of(hwclock.toString(), "-w"), 0, "");
        FakeClock settable = new FakeClock(0);
        TimeSync ts = SystemTimeSync.fromConfig(
                new ConfigSection("timesync", Map.of("hwclock", hwclock.toString(), "hwclock-timeout", "3s")),
                settable, runner);
        ts.setFromHost(NOW, "test");
        assertEquals(List.of(NOW / 1000 * 1000), settable.sets());
        assertEquals(List.of(), clock.sets());
        assertThrows(AgentException.class, () -> SystemTimeSync.fromConfig(
                new ConfigSection("timesync", Map.of("hwclock-timeout", "-1")), settable, runner));
    }

    /** Stands at {@link #NOW} and cannot be set (the {@link Clock} default). */
    private static class StoppedClock implements Clock {
        @Override
        public long realtimeNanos() {
            return NOW;
        }

        @Override
        public long monotonicNanos() {
            return 0;
        }
    }
}
