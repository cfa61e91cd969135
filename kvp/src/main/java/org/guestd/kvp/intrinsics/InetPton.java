// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import java.util.Arrays;

/**
 * glibc's {@code inet_pton} for the strings hv_kvp_daemon checks with it (never a name lookup, and
 * stricter than {@link java.net.InetAddress#getByName}: no octet with a leading zero, no zone, an
 * IPv4-mapped address stays IPv6).
 */
final class InetPton {
    private InetPton() {}

    /** {@code inet_pton(AF_INET, s)}: the 4 bytes, or null. */
    static byte[] v4(String s) {
        byte[] out = new byte[4];
        int octets = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            if (octets == 4) {
                return null;
            }
            int start = i;
            int v = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i > start && s.charAt(start) == '0') {
                    return null; // "01": glibc refuses a leading zero
                }
                v = v * 10 + (s.charAt(i) - '0');
                if (v > 255) {
                    return null;
                }
                i++;
            }
            if (i == start) {
                return null;
            }
            out[octets++] = (byte) v;
            if (i < n) {
                if (s.charAt(i) != '.' || octets == 4) {
                    return null;
                }
                i++;
                if (i == n) {
                    return null; // trailing dot
                }
            }
        }
        return octets == 4 ? out : null;
    }

    /** {@code inet_pton(AF_INET6, s)}: the 16 bytes, or null. */
    static byte[] v6(String s) {
        byte[] out = new byte[16];
        int tp = 0;
        int colonp = -1;
        int i = 0;
        int n = s.length();
        if (n == 0) {
            return null;
        }
        if (s.charAt(0) == ':') {
            if (n < 2 || s.charAt(1) != ':') {
                return null;
            }
            i = 1;
        }
        int curtok = i;
        boolean sawXdigit = false;
        int val = 0;
        int digits = 0;
        while (i < n) {
            char ch = s.charAt(i++);
            int d = Character.digit(ch, 16);
            if (d >= 0 && ch < 128) {
                if (++digits > 4) {
                    return null;
                }
                val = (val << 4) | d;
                sawXdigit = true;
                continue;
            }
            if (ch == ':') {
                curtok = i;
                if (!sawXdigit) {
                    if (colonp >= 0) {
                        return null;
                    }
                    colonp = tp;
                    continue;
                } else if (i == n) {
                    return null; // ends with a single ':'
                }
                if (tp + 2 > 16) {
                    return null;
                }
                out[tp++] = (byte) (val >> 8);
                out[tp++] = (byte) val;
                sawXdigit = false;
                digits = 0;
                val = 0;
                continue;
            }
            if (ch == '.' && tp + 4 <= 16) {
                byte[] q = v4(s.substring(curtok));
                if (q == null) {
                    return null;
                }
                System.arraycopy(q, 0, out, tp, 4);
                tp += 4;
                sawXdigit = false;
                break;
            }
            return null;
        }
        if (sawXdigit) {
            if (tp + 2 > 16) {
                return null;
            }
            out[tp++] = (byte) (val >> 8);
            out[tp++] = (byte) val;
        }
        if (colonp >= 0) {
            if (tp == 16) {
                return null; // "::" standing for no group
            }
            int moved = tp - colonp;
            System.arraycopy(out, colonp, out, 16 - moved, moved);
            Arrays.fill(out, colonp, 16 - moved, (byte) 0);
            tp = 16;
        }
        return tp == 16 ? out : null;
    }
}
