// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * {@code inet_ntop(3)} text of an address, as glibc prints it and qemu-ga reports it: IPv6 in
 * lower-case hex, the longest run (first on a tie) of two or more zero groups as "::", no scope
 * suffix, and a dotted IPv4 tail for IPv4-compatible ({@code ::a.b.c.d}, when not {@code ::} or
 * {@code ::1}-like) and IPv4-mapped ({@code ::ffff:a.b.c.d}) addresses. Java's own
 * {@code getHostAddress()} differs (no "::" compression, "%scope").
 */
public final class InetText {
    private InetText() {}

    public static String format(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address || b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        return ipv6(b);
    }

    /**
     * {@code inet_ntop(AF_INET6, …)} of 16 raw bytes (also for IPv4-mapped bytes, which
     * {@code InetAddress.getByAddress} would turn into an IPv4 address).
     */
    public static String ipv6(byte[] b) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (w[i] == 0) {
                if (curBase < 0) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase >= 0) {
                if (bestBase < 0 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase >= 0 && bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                sb.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.')
                        .append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                return sb.toString();
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }
}
