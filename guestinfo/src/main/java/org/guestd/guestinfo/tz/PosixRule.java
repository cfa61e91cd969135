// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A POSIX TZ rule string as GLib 2.74 reads it ({@code rules_from_identifier}), used both for a TZ
 * variable such as {@code "CET-1CEST,M3.5.0,M10.5.0/3"} and for the footer of TZif v2+ files.
 *
 * <p>GLib specifics kept: names need at least 3 characters (alphabetic, or {@code <…>} with
 * alphanumerics, '+' and '-') and are cut at 32; a DST part without explicit offset, <em>or with
 * offset 0</em>, gets standard + 1 h; zone offsets use the plain syntax (hours ≤ 24, colons optional) (so {@code "IST-1GMT0,…"}, Europe/Dublin's footer, yields
 * "GMT" at +2 h in winter); a DST name without dates is rejected (non-Windows); dates use
 * {@code Mm.w.d}, {@code Jn} or {@code n} (GLib turns the last two into a fixed month/day of a
 * non-leap year, one day late from J59 on and for every n) with an optional {@code /time} in RFC 8536 syntax
 * (signed, up to 167 h; default 02:00). Transitions exist for the years 1916 to 2998 only
 * (GLib's MIN_TZYEAR/MAX_TZYEAR), plus a final return to standard time in 2999 for
 * southern-hemisphere rules; before the first one standard time applies.
 */
public final class PosixRule {
    static final int MIN_TZYEAR = 1916;
    static final int MAX_TZYEAR = 2999;
    private static final int NAME_SIZE = 33;

    /** A transition date: kind 'M' (month.week.day) or 'D' (fixed month and day, from Jn or n). */
    record Boundary(char kind, int month, int week, int day, int timeOfDay) {}

    private final Zone.Type std;
    private final Zone.Type dst; // null: no DST
    private final Boundary start;
    private final Boundary end;

    private PosixRule(Zone.Type std, Zone.Type dst, Boundary start, Boundary end) {
        this.std = std;
        this.dst = dst;
        this.start = start;
        this.end = end;
    }

    public Zone.Type standard() {
        return std;
    }

    /** The DST type, or null for a rule without daylight saving. */
    public Zone.Type daylight() {
        return dst;
    }

    /** Parses a rule, or returns null where GLib's {@code rules_from_identifier} returns 0. */
    public static PosixRule parse(String s) {
        if (s == null) {
            return null;
        }
        int[] pos = {0};
        String stdName = name(s, pos);
        if (stdName == null) {
            return null;
        }
        int[] stdOff = {0};
        if (!offset(s, pos, stdOff)) {
            return null;
        }
        Zone.Type std = new Zone.Type(-stdOff[0], false, stdName);
        if (pos[0] >= s.length()) {
            return new PosixRule(std, null, null, null);
        }
        String dstName = name(s, pos);
        if (dstName == null) {
            return null;
        }
        int[] dstOff = {0};
        offset(s, pos, dstOff);
        if (dstOff[0] == 0) {
            dstOff[0] = stdOff[0] - 3600;
        }
        if (pos[0] >= s.length()) {
            return null;
        }
        if (s.charAt(pos[0]++) != ',') {
            return null;
        }
        Boundary b1 = boundary(s, pos);
        if (b1 == null || pos[0] >= s.length() || s.charAt(pos[0]++) != ',') {
            return null;
        }
        Boundary b2 = boundary(s, pos);
        if (b2 == null) {
            return null;
        }
        return new PosixRule(std, new Zone.Type(-dstOff[0], true, dstName), b1, b2);
    }

    /** {@code set_tz_name}. */
    private static String name(String s, int[] pos) {
        int p = pos[0];
        boolean quoted = p < s.length() && s.charAt(p) == '<';
        int nameStart = p;
        if (quoted) {
            nameStart++;
            do {
                p++;
            } while (p < s.length() && (isAsciiAlnum(s.charAt(p)) || s.charAt(p) == '-' || s.charAt(p) == '+'));
            if (p >= s.length() || s.charAt(p) != '>') {
                return null;
            }
        } else {
            while (p < s.length() && isAsciiAlpha(s.charAt(p))) {
                p++;
            }
        }
        if (p - nameStart < 3) {
            return null;
        }
        String name = s.substring(nameStart, Math.min(p, nameStart + NAME_SIZE - 1));
        pos[0] = p + (quoted ? 1 : 0);
        return name;
    }

    /**
     * {@code parse_offset}: the run of [+-:0-9] parsed as a plain (non-RFC 8536) offset, so hours
     * stop at 24 and colons are optional; a failed parse keeps its partial value.
     */
    private static boolean offset(String s, int[] pos, int[] out) {
        int p = pos[0];
        while (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-' || s.charAt(p) == ':'
                || TzOffsets.isDigit(s.charAt(p)))) {
            p++;
        }
        String buf = s.substring(pos[0], p);
        pos[0] = p;
        return TzOffsets.parseConstantOffset(buf, out, false);
    }

    /** {@code parse_identifier_boundary} + {@code parse_tz_boundary}. */
    private static Boundary boundary(String s, int[] pos) {
        int p = pos[0];
        while (p < s.length() && s.charAt(p) != ',') {
            p++;
        }
        String b = s.substring(pos[0], p);
        pos[0] = p;
        int i = 0;
        char kind;
        int month = 0;
        int week = 0;
        int day = 0;
        if (b.startsWith("M")) {
            kind = 'M';
            i = 1;
            if (i >= b.length() || !TzOffsets.isDigit(b.charAt(i))) {
                return null;
            }
            month = b.charAt(i++) - '0';
            if (i < b.length() && TzOffsets.isDigit(b.charAt(i))) {
                month = month * 10 + (b.charAt(i++) - '0');
            }
            if (i >= b.length() || b.charAt(i++) != '.' || i >= b.length() || !TzOffsets.isDigit(b.charAt(i))) {
                return null;
            }
            week = b.charAt(i++) - '0';
            if (i >= b.length() || b.charAt(i++) != '.' || i >= b.length() || !TzOffsets.isDigit(b.charAt(i))) {
                return null;
            }
            day = b.charAt(i++) - '0';
            if (month < 1 || month > 12 || week < 1 || week > 5 || day > 6) {
                return null;
            }
        } else {
            boolean julian = b.startsWith("J");
            i = julian ? 1 : 0;
            if (!julian && (b.isEmpty() || !TzOffsets.isDigit(b.charAt(0)))) {
                return null;
            }
            int n = 0;
            while (i < b.length() && TzOffsets.isDigit(b.charAt(i))) {
                n = n * 10 + (b.charAt(i++) - '0');
                if (n > 100000) {
                    return null;
                }
            }
            if (julian ? n < 1 || n > 365 : n > 365) {
                return null;
            }
            // GLib 2.74: a fixed month/day taken from a non-leap year (GDate julian day, year 1);
            // Jn from 59 on and every n are shifted by one, day 366 wraps to January 1st
            int doy = julian ? (n >= 59 ? n + 1 : n) : n + 1;
            LocalDate md = doy == 366 ? LocalDate.of(2001, 1, 1) : LocalDate.ofYearDay(2001, doy);
            kind = 'D';
            month = md.getMonthValue();
            day = md.getDayOfMonth();
        }
        int[] time = {2 * 3600};
        if (i < b.length() && b.charAt(i) == '/') {
            if (!TzOffsets.parseConstantOffset(b.substring(i + 1), time, true)) {
                return null;
            }
        } else if (i != b.length()) {
            return null;
        }
        return new Boundary(kind, month, week, day, time[0]);
    }

    private static boolean isAsciiAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiAlnum(char c) {
        return isAsciiAlpha(c) || TzOffsets.isDigit(c);
    }

    /** A generated transition: at {@code time} (UTC seconds) {@code type} starts. */
    record Transition(long time, Zone.Type type) {}

    /** Local date of a boundary in {@code year}. */
    static LocalDate date(Boundary b, int year) {
        switch (b.kind()) {
            case 'M': {
                LocalDate first = LocalDate.of(year, b.month(), 1);
                int firstDow = first.getDayOfWeek().getValue() % 7; // Sunday = 0
                int dom = 1 + ((b.day() - firstDow + 7) % 7) + 7 * (b.week() - 1);
                int len = first.lengthOfMonth();
                while (dom > len) {
                    dom -= 7;
                }
                return first.withDayOfMonth(dom);
            }
            default: // 'D': fixed month and day
                return LocalDate.of(year, b.month(), b.day());
        }
    }

    /** {@code boundary_for_year}: the UTC instant of a boundary, given the offset in force before it. */
    static long instant(Boundary b, int year, int offsetBefore) {
        return date(b, year).toEpochSecond(LocalTime.MIDNIGHT, ZoneOffset.UTC)
                + b.timeOfDay() - offsetBefore;
    }

    /** GLib's {@code dlt_first}: DST starts in a later month than it ends (southern hemisphere). */
    private boolean dstFirst() {
        return start.month() > end.month();
    }

    /** The transitions GLib generates for one year, in its order. */
    List<Transition> transitions(int year) {
        List<Transition> out = new ArrayList<>(2);
        if (dst == null || year < MIN_TZYEAR || year > MAX_TZYEAR) {
            return out;
        }
        long dstEnd = instant(end, year, dst.offset());
        if (year == MAX_TZYEAR) {
            // after the last year GLib closes a southern-hemisphere rule with a return to standard time
            if (dstFirst()) {
                out.add(new Transition(dstEnd, std));
            }
            return out;
        }
        long dstStart = instant(start, year, std.offset());
        if (dstFirst()) {
            if (year != MIN_TZYEAR) { // skip_first_std_trans
                out.add(new Transition(dstEnd, std));
            }
            out.add(new Transition(dstStart, dst));
        } else {
            out.add(new Transition(dstStart, dst));
            out.add(new Transition(dstEnd, std));
        }
        return out;
    }

    /**
     * The type in force at {@code t} by GLib's {@code find_interval}: a linear scan of the
     * generated transitions (years 1916–2999, in generation order, keeping only those later than
     * {@code cutoff}) for the first one after {@code t}; the type of the transition before it, or
     * {@code before} when none precedes it. Unlike "latest transition at or before t", this also
     * matches GLib for odd rules whose transitions are not in time order.
     */
    Zone.Type typeAt(long t, long cutoff, Zone.Type before) {
        if (dst == null) {
            return before;
        }
        int y = Instant.ofEpochSecond(Math.max(Math.min(t, 253402300799L), -62135596800L))
                .atOffset(ZoneOffset.UTC).getYear();
        // a year's transitions lie within a few days of it, so earlier years are all before t
        int from = Math.max(MIN_TZYEAR, Math.min(y - 3, MAX_TZYEAR));
        Transition prev = null;
        for (Transition tr : transitions(from - 1)) {
            if (tr.time() > cutoff) {
                prev = tr;
            }
        }
        for (int year = from; year <= MAX_TZYEAR; year++) {
            for (Transition tr : transitions(year)) {
                if (tr.time() <= cutoff) {
                    continue;
                }
                if (t < tr.time()) {
                    return prev == null ? before : prev.type();
                }
                prev = tr;
            }
        }
        return prev == null ? before : prev.type();
    }

    /** This rule alone as a zone (a TZ variable holding a rule). */
    public Zone asZone() {
        return t -> typeAt(t, Long.MIN_VALUE, std);
    }
}
