// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

/** A time zone reduced to what guest-get-timezone needs: the type in force at an instant. */
public interface Zone {
    /** Abbreviation and offset in force at {@code epochSecond} (GLib's UNIVERSAL interval). */
    Type at(long epochSecond);

    /** A local time type: offset east of UTC, DST flag, abbreviation. */
    record Type(int offset, boolean dst, String abbrev) {}

    /** GLib's last resort, {@code g_time_zone_new_utc()}. */
    Zone UTC = constant("UTC", 0);

    /** A zone without transitions. */
    static Zone constant(String abbrev, int offset) {
        Type t = new Type(offset, false, abbrev);
        return epochSecond -> t;
    }
}
