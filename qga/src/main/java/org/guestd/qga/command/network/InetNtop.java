// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.network;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Addresses as glibc's {@code inet_ntop} prints them (what qemu-ga sends): IPv6 in lower-case hex
 * with the longest run (≥ 2) of zero groups, the first of equal runs, written as {@code ::}, and
 * IPv4-compatible / IPv4-mapped addresses with a dotted-quad tail. No scope suffix.
 */
public final class InetNtop {
    private InetNtop() {}

    public static String format(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address || a.length == 4) {
            return ipv4(a, 0);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (w[i] == 0) {
                if (curBase == -1) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase != -1) {
                if (bestBase == -1 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase != -1 && bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xFFFF))) {
                sb.append(ipv4(a, 12));
                return sb.toString();
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    private static String ipv4(byte[] a, int off) {
        return (a[off] & 0xFF) + "." + (a[off + 1] & 0xFF) + "." + (a[off + 2] & 0xFF) + "." + (a[off + 3] & 0xFF);
    }
}
