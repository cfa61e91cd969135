// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** TZ rule strings; expected values come from GLib 2.74's g_time_zone_new_identifier(). */
class PosixRuleTest {
    private static String at(String rule, long t) {
        PosixRule r = PosixRule.parse(rule);
        assertNotNull(r, rule);
        Zone.Type ty = r.asZone().at(t);
        return ty.abbrev() + " " + ty.offset();
    }

    @Test
    void europeAndUs() {
        assertEquals("CEST 7200", at("CET-1CEST,M3.5.0,M10.5.0/3", 1690000000L));
        assertEquals("CET 3600", at("CET-1CEST,M3.5.0,M10.5.0/3", 1700000000L));
        assertEquals("EDT -14400", at("EST5EDT,M3.2.0,M11.1.0", 1690000000L));
        assertEquals("EST -18000", at("EST5EDT,M3.2.0,M11.1.0", 1700000000L));
        assertEquals("EST -18000", at("EST5", 1690000000L));
        assertEquals("GMT 0", at("GMT0", 1690000000L));
    }

    @Test
    void southernHemisphere() {
        assertEquals("AEDT 39600", at("AEST-10AEDT,M10.1.0,M4.1.0/3", 1700000000L));
        assertEquals("AEST 36000", at("AEST-10AEDT,M10.1.0,M4.1.0/3", 1690000000L));
        assertEquals("AEST 36000", at("AEST-10AEDT,M10.1.0,M4.1.0/3", -2208988800L)); // before 1916
        assertEquals("AEST 36000", at("AEST-10AEDT,M10.1.0,M4.1.0/3", 32503680000L)); // after 2999
    }

    @Test
    void quotedNamesAndRfc8536Times() {
        assertEquals("-01 -3600", at("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 1690000000L));
        assertEquals("-02 -7200", at("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 1700000000L));
        assertEquals("+0545 20700", at("<+0545>-5:45", 0));
        assertEquals("DEF -14400", at("ABC5DEF,M3.2.0/167,M11.1.0", 1690000000L));
    }

    @Test
    void glibQuirks() {
        // an explicit DST offset of 0 counts as "not given"
        assertEquals("GMT 7200", at("IST-1GMT0,M10.5.0,M3.5.0/1", 1700000000L));
        // a failed DST offset keeps its partial value (25 h)
        assertEquals("DEF -90000", at("ABC5DEF25,M3.2.0,M11.1.0", 1690000000L));
        // zone offsets use the plain syntax: 1030 = 10:30
        assertEquals("ABC -37800", at("ABC1030", 0));
        // transitions of one month listed out of time order: GLib's linear scan, standard time
        assertEquals("ABC -18000", at("ABC5DEF,M2.5.0,M2.1.0", 1690000000L));
        // J365 and n=365 become January 1st, so DST never holds
        assertEquals("ABC -18000", at("ABC5DEF,J1/0,J365/25", 1690000000L));
        assertEquals("EFGH 7200", at("ABCD-1EFGH,J60,J300", 1690000000L));
        // text after the end date is ignored
        assertEquals("DEF -14400", at("ABC5DEF,M3.2.0,M11.1.0,garbage", 1690000000L));
    }

    @Test
    void rejectedRules() {
        for (String s : new String[] {"AB3", "ABC", "ABC5DEF", "ABC5DEF,M3.2.0", "ABC+1:5", "ABC25",
                "ABC5DEF,M13.2.0,M11.1.0", "ABC5DEF,M3.2.0/1030,M11.1.0", "<AB>5", "", "5"}) {
            assertNull(PosixRule.parse(s), s);
        }
    }
}
