// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Real zone files (copied from Debian's tzdata 2025b; "slim" made with {@code zic -b slim}) at
 * fixed instants. Every expected value was produced by GLib 2.74 itself
 * ({@code g_time_zone_find_interval(G_TIME_TYPE_UNIVERSAL)} + abbreviation/offset).
 */
class TzifTest {
    static final long WINTER_2024 = 1705320000L; // 2024-01-15T12:00Z
    static final long SUMMER_2024 = 1721044800L; // 2024-07-15T12:00Z
    static final long EU_DST_2024 = 1711846800L; // 2024-03-31T01:00Z
    static final long SUMMER_2050 = 2540246400L; // after the explicit transitions: footer rule
    static final long WINTER_2040 = 2240000000L;
    static final long YEAR_1900 = -2208988800L;

    static Tzif zone(String name) {
        try (InputStream in = TzifTest.class.getResourceAsStream("/zoneinfo/" + name)) {
            return Tzif.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(Zone z, long t, String abbrev, int offset) {
        Zone.Type ty = z.at(t);
        assertEquals(abbrev + " " + offset, ty.abbrev() + " " + ty.offset(), "at " + t);
    }

    @Test
    void berlin() {
        Tzif z = zone("Europe/Berlin");
        check(z, WINTER_2024, "CET", 3600);
        check(z, SUMMER_2024, "CEST", 7200);
        check(z, EU_DST_2024 - 1, "CET", 3600);
        check(z, EU_DST_2024, "CEST", 7200);
        check(z, SUMMER_2050, "CEST", 7200);
        check(z, WINTER_2040, "CET", 3600);
        check(z, YEAR_1900, "CET", 3600);
        check(z, -4000000000L, "LMT", 3208); // before the first transition: first non-DST type
    }

    @Test
    void slimBerlinUsesTheFooterForToday() {
        Tzif z = zone("slim/Europe/Berlin");
        check(z, WINTER_2024, "CET", 3600);
        check(z, SUMMER_2024, "CEST", 7200);
        check(z, EU_DST_2024 - 1, "CET", 3600);
        check(z, EU_DST_2024, "CEST", 7200);
        check(z, SUMMER_2050, "CEST", 7200);
    }

    @Test
    void newYorkKolkataSydneyUtc() {
        Tzif ny = zone("America/New_York");
        check(ny, WINTER_2024, "EST", -18000);
        check(ny, SUMMER_2024, "EDT", -14400);
        check(ny, SUMMER_2050, "EDT", -14400);
        check(ny, WINTER_2040, "EST", -18000);
        Tzif in = zone("Asia/Kolkata");
        check(in, WINTER_2024, "IST", 19800);
        check(in, SUMMER_2050, "IST", 19800);
        check(in, YEAR_1900, "MMT", 19270);
        Tzif syd = zone("Australia/Sydney");
        check(syd, WINTER_2024, "AEDT", 39600);
        check(syd, SUMMER_2024, "AEST", 36000);
        check(syd, SUMMER_2050, "AEST", 36000);
        check(syd, WINTER_2040, "AEDT", 39600);
        Tzif utc = zone("Etc/UTC");
        check(utc, WINTER_2024, "UTC", 0);
        check(utc, YEAR_1900, "UTC", 0);
    }

    @Test
    void dublinFooterKeepsGlibsNegativeDstBug() {
        Tzif z = zone("Europe/Dublin");
        check(z, WINTER_2024, "GMT", 0); // explicit transitions: right
        check(z, SUMMER_2024, "IST", 3600);
        // footer "IST-1GMT0,M10.5.0,M3.5.0/1": GLib takes DST offset 0 as "not given" → +2 h
        check(z, WINTER_2040, "GMT", 7200);
        check(z, SUMMER_2050, "IST", 3600);
    }

    @Test
    void versionOneFileUses32BitDataAndNoFooter() {
        byte[] data = new TzifBuilder().type(3600, false, "AAA").type(7200, true, "BBB")
                .at(1000, 1).at(2000, 0).v1();
        Tzif z = Tzif.parse(data);
        check(z, 0, "AAA", 3600);
        check(z, 1000, "BBB", 7200);
        check(z, 1999, "BBB", 7200);
        check(z, 2000, "AAA", 3600);
    }

    @Test
    void allDstTypesBeforeTheFirstTransitionGiveTypeZero() {
        byte[] data = new TzifBuilder().type(7200, true, "DDD").type(3600, true, "EEE").at(1000, 1).v2('2');
        check(Tzif.parse(data), 0, "DDD", 7200);
    }

    @Test
    void footerOnlyFileV3() {
        byte[] data = new TzifBuilder().type(3600, false, "CET").footer("CET-1CEST,M3.5.0,M10.5.0/3").v2('3');
        Tzif z = Tzif.parse(data);
        check(z, SUMMER_2024, "CEST", 7200);
        check(z, WINTER_2024, "CET", 3600);
    }

    @Test
    void filesGlibCannotUseAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tzif.parse(new byte[10]));
        assertThrows(IllegalArgumentException.class, () -> Tzif.parse("TZxf0000000000000000000000000000000000000000".getBytes()));
        byte[] good = new TzifBuilder().type(0, false, "UTC").footer("UTC0").v2('2');
        byte[] truncated = Arrays.copyOf(good, good.length - 8);
        assertThrows(IllegalArgumentException.class, () -> Tzif.parse(truncated));
        byte[] badFooter = new TzifBuilder().type(0, false, "UTC").footer("U0").v2('2');
        assertThrows(IllegalArgumentException.class, () -> Tzif.parse(badFooter));
        byte[] badIndex = new TzifBuilder().type(0, false, "UTC").at(5, 3).v1();
        assertThrows(IllegalArgumentException.class, () -> Tzif.parse(badIndex));
    }
}
