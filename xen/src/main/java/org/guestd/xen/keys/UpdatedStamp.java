// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The value of {@code data/updated}: xe-guest-utilities writes Go's
 * {@code time.Now().Format("Mon Jan _2 15:04:05 2006")} (local time, day padded with a space) after
 * every batch that changed a key; toolstacks only compare it with the previous one.
 */
public final class UpdatedStamp {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private UpdatedStamp() {}

    /** Now, in the system time zone. */
    public static String now() {
        return of(ZonedDateTime.now());
    }

    /** {@code t} formatted, e.g. {@code "Sat Dec  5 00:16:35 2026"}. */
    public static String of(ZonedDateTime t) {
        return FORMAT.format(t);
    }
}
