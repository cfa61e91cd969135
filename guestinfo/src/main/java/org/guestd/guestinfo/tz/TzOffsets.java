// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.tz;

/**
 * GLib's {@code parse_time} and {@code parse_constant_offset}: [+|-]hh[[:]mm[[:]ss]] with the
 * Internet RFC 8536 variant (hours up to 167, colons mandatory) used inside TZ rules. Like the C
 * code, a failed parse may leave a partial value behind in {@code out[0]}, which the rule parser
 * then keeps (GLib never resets it).
 */
final class TzOffsets {
    private TzOffsets() {}

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    static boolean parseTime(String s, int[] out, boolean rfc8536) {
        int i = 0;
        if (!isDigit(at(s, i))) {
            return false;
        }
        out[0] = 3600 * (s.charAt(i++) - '0');
        if (i == s.length()) {
            return true;
        }
        if (at(s, i) != ':') {
            if (!isDigit(at(s, i))) {
                return false;
            }
            out[0] *= 10;
            out[0] += 3600 * (s.charAt(i++) - '0');
            if (rfc8536) {
                if (isDigit(at(s, i))) {
                    out[0] *= 10;
                    out[0] += 3600 * (s.charAt(i++) - '0');
                }
                if (out[0] > 167 * 3600) {
                    return false;
                }
            } else if (out[0] > 24 * 3600) {
                return false;
            }
            if (i == s.length()) {
                return true;
            }
        }
        if (at(s, i) == ':') {
            i++;
        } else if (rfc8536) {
            return false;
        }
        if (at(s, i) < '0' || at(s, i) > '5') {
            return false;
        }
        out[0] += 600 * (s.charAt(i++) - '0');
        if (!isDigit(at(s, i))) {
            return false;
        }
        out[0] += 60 * (s.charAt(i++) - '0');
        if (i == s.length()) {
            return true;
        }
        if (at(s, i) == ':') {
            i++;
        } else if (rfc8536) {
            return false;
        }
        if (at(s, i) < '0' || at(s, i) > '5') {
            return false;
        }
        out[0] += 10 * (s.charAt(i++) - '0');
        if (!isDigit(at(s, i))) {
            return false;
        }
        out[0] += s.charAt(i++) - '0';
        return i == s.length();
    }

    static boolean parseConstantOffset(String name, int[] out, boolean rfc8536) {
        if (!rfc8536 && name.equals("UTC")) {
            out[0] = 0;
            return true;
        }
        char c = at(name, 0);
        if (isDigit(c)) {
            return parseTime(name, out, rfc8536);
        }
        switch (c) {
            case 'Z':
                out[0] = 0;
                return !rfc8536 && name.length() == 1;
            case '+':
                return parseTime(name.substring(1), out, rfc8536);
            case '-':
                if (parseTime(name.substring(1), out, rfc8536)) {
                    out[0] = -out[0];
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    /** {@code zone_for_constant_offset}: "UTC", "Z", "+05:30"… named by the identifier itself. */
    static Zone constantZone(String identifier) {
        int[] off = {0};
        if (identifier == null || !parseConstantOffset(identifier, off, false)) {
            return null;
        }
        return Zone.constant(identifier, off[0]);
    }
}
