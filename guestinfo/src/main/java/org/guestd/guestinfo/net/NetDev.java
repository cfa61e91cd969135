// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import java.util.ArrayList;
import java.util.List;
import org.guestd.guestinfo.GuestInfo.NetStats;

/**
 * {@code /proc/net/dev} as qemu-ga 7.2's {@code guest_get_network_stats} reads it: each line
 * left-trimmed; the text before the first ':' must equal the interface name; the rest must scan as
 * 16 {@code %lld} numbers (else the line is skipped); fields 1–4 and 9–12 are kept. Numbers too
 * large for {@code long long} saturate as {@code strtoll} does.
 */
public final class NetDev {
    private NetDev() {}

    /** The statistics of {@code name}, or null when no line matches. */
    public static NetStats find(String content, String name) {
        for (String raw : content.split("\n", -1)) {
            String line = stripLeading(raw);
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0 || colon != name.length() || !line.startsWith(name)) {
                continue;
            }
            long[] v = scan(line.substring(colon + 1));
            if (v == null) {
                continue;
            }
            return new NetStats(v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11]);
        }
        return null;
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** 16 whitespace-separated {@code %lld} conversions, or null when fewer succeed. */
    static long[] scan(String s) {
        long[] out = new long[16];
        int i = 0;
        for (int k = 0; k < 16; k++) {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            boolean neg = false;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                neg = s.charAt(i) == '-';
                i++;
            }
            int start = i;
            long v = 0;
            boolean overflow = false;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                int d = s.charAt(i) - '0';
                if (v > (Long.MAX_VALUE - d) / 10) {
                    overflow = true;
                } else if (!overflow) {
                    v = v * 10 + d;
                }
                i++;
            }
            if (i == start) {
                return null;
            }
            if (overflow) {
                v = neg ? Long.MIN_VALUE : Long.MAX_VALUE;
            } else if (neg) {
                v = -v;
            }
            out[k] = v;
        }
        return out;
    }

    /** Interface names listed in the file, in order (for diagnostics and tests). */
    public static List<String> names(String content) {
        List<String> names = new ArrayList<>();
        for (String raw : content.split("\n", -1)) {
            String line = stripLeading(raw);
            int colon = line.indexOf(':');
            if (colon > 0 && scan(line.substring(colon + 1)) != null) {
                names.add(line.substring(0, colon));
            }
        }
        return names;
    }
}
