// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.GuestInfo.TimeZoneInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeZoneCollectorTest {
    private static final long SUMMER = TzifTest.SUMMER_2024 * 1_000_000_000L + 999_999_999L;
    private static final long WINTER = TzifTest.WINTER_2024 * 1_000_000_000L;

    @TempDir
    Path dir;
    FixtureTree t;
    Path zoneinfo;

    @BeforeEach
    void tree() throws IOException {
        t = new FixtureTree(dir);
        zoneinfo = dir.resolve("usr/share/zoneinfo");
        for (String z : new String[] {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/UTC"}) {
            try (InputStream in = getClass().getResourceAsStream("/zoneinfo/" + z)) {
                t.bytes("usr/share/zoneinfo/" + z, in.readAllBytes());
            }
        }
        t.symlink("usr/share/zoneinfo/UTC", "Etc/UTC");
    }

    private TimeZoneInfo collect(Optional<String> tz, long nanos) {
        return new TimeZoneCollector(t.paths().etc(), zoneinfo, tz, new FakeClock(nanos)).collect();
    }

    private TimeZoneInfo local(long nanos) {
        return collect(Optional.empty(), nanos);
    }

    @Test
    void relativeSymlinkLikeDebian() {
        t.symlink("etc/localtime", "../usr/share/zoneinfo/Europe/Berlin");
        assertEquals(new TimeZoneInfo("CEST", 7200), local(SUMMER));
        assertEquals(new TimeZoneInfo("CET", 3600), local(WINTER));
    }

    @Test
    void absoluteSymlinkIsRerootedAtTheZoneinfoDirectory() {
        t.symlink("etc/localtime", "/usr/share/zoneinfo/America/New_York");
        assertEquals(new TimeZoneInfo("EDT", -14400), local(SUMMER));
        assertEquals(new TimeZoneInfo("EST", -18000), local(WINTER));
    }

    @Test
    void transcript09IsUtc() {
        t.symlink("etc/localtime", "/usr/share/zoneinfo/Etc/UTC");
        assertEquals(new TimeZoneInfo("UTC", 0), local(SUMMER));
    }

    @Test
    void missingOrDanglingLocaltimeIsUtc() {
        assertEquals(new TimeZoneInfo("UTC", 0), local(SUMMER));
        t.symlink("etc/localtime", "/usr/share/zoneinfo/Nowhere/Zone");
        assertEquals(new TimeZoneInfo("UTC", 0), local(SUMMER));
    }

    @Test
    void plainFileNeedsEtcTimezoneToBeNamed() throws IOException {
        Files.copy(zoneinfo.resolve("Asia/Kolkata"), dir.resolve("etc/localtime"));
        assertEquals(new TimeZoneInfo("UTC", 0), local(SUMMER)); // GLib cannot name it → UTC
        t.file("etc/timezone", "Asia/Kolkata\n");
        assertEquals(new TimeZoneInfo("IST", 19800), local(SUMMER));
    }

    @Test
    void symlinkToSymlinkAlsoNeedsEtcTimezone() {
        t.symlink("etc/localtime", "/usr/share/zoneinfo/UTC"); // UTC -> Etc/UTC
        t.symlink("usr/share/zoneinfo/Europe/Link", "Berlin");
        t.symlink("etc2/localtime", "../usr/share/zoneinfo/Europe/Link");
        assertEquals(new TimeZoneInfo("UTC", 0), local(SUMMER));
        TimeZoneCollector c = new TimeZoneCollector(dir.resolve("etc2"), zoneinfo, Optional.empty(), new FakeClock(SUMMER));
        assertEquals(new TimeZoneInfo("UTC", 0), c.collect()); // fell back: no etc2/timezone
        t.file("etc2/timezone", "Europe/Berlin\n");
        assertEquals(new TimeZoneInfo("CEST", 7200), c.collect());
    }

    @Test
    void invalidZoneDataIsUtc() {
        t.file("usr/share/zoneinfo/Bad", "not a tzif file");
        t.symlink("etc/localtime", "../usr/share/zoneinfo/Bad");
        assertEquals(new TimeZoneInfo("UTC", 0), local(SUMMER));
    }

    @Test
    void tzVariableForms() {
        t.symlink("etc/localtime", "../usr/share/zoneinfo/America/New_York");
        assertEquals(new TimeZoneInfo("CEST", 7200), collect(Optional.of(":Europe/Berlin"), SUMMER));
        assertEquals(new TimeZoneInfo("IST", 19800), collect(Optional.of("Asia/Kolkata"), SUMMER));
        assertEquals(new TimeZoneInfo("CEST", 7200), collect(Optional.of(":/usr/share/zoneinfo/Europe/Berlin"), SUMMER));
        assertEquals(new TimeZoneInfo("+05:30", 19800), collect(Optional.of("+05:30"), SUMMER));
        assertEquals(new TimeZoneInfo("UTC", 0), collect(Optional.of("UTC"), SUMMER));
        assertEquals(new TimeZoneInfo("Z", 0), collect(Optional.of("Z"), SUMMER));
        assertEquals(new TimeZoneInfo("EDT", -14400), collect(Optional.of("EST5EDT,M3.2.0,M11.1.0"), SUMMER));
        assertEquals(new TimeZoneInfo("UTC", 0), collect(Optional.of("No/Such_Zone"), SUMMER));
        assertEquals(new TimeZoneInfo("UTC", 0), collect(Optional.of(""), SUMMER));
        assertEquals(new TimeZoneInfo("UTC", 0), collect(Optional.of("+25"), SUMMER));
    }

    @Test
    void nowIsTruncatedToTheSecond() {
        t.symlink("etc/localtime", "../usr/share/zoneinfo/Europe/Berlin");
        long transition = TzifTest.EU_DST_2024 * 1_000_000_000L;
        assertEquals(new TimeZoneInfo("CET", 3600), local(transition - 1)); // 0.999999999 s before
        assertEquals(new TimeZoneInfo("CEST", 7200), local(transition));
    }
}
