// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.Route;
import org.guestd.guestinfo.util.CScan;
import org.guestd.guestinfo.util.ProcFile;

/**
 * guest-network-get-route as qemu-ga (9.1 and later) reads {@code /proc/net/route} and then
 * {@code /proc/net/ipv6_route}:
 * <ul>
 * <li>IPv4: the header line is skipped; each line must give 11 conversions of
 * {@code "%s %X %X %x %d %d %d %X %d %d %d"} (iface, destination, gateway, flags, refcnt, use,
 * metric, mask, mtu, window, irtt). Addresses are the 32-bit value printed low byte first
 * ({@code /proc/net/route} shows network-order words as little-endian hex).</li>
 * <li>IPv6: no header; 10 conversions of {@code "%32s %x %32s %x %32s %x %x %x %x %s"}
 * (destination, its prefix length, source, its prefix length, next hop, metric, refcnt, use,
 * flags, iface); addresses are 32 hex digits, printed by {@code inet_ntop}; a destination that is
 * not 32 hex digits drops the line, a bad source or next hop is just left out. Prefix lengths are
 * decimal text. The {@code %x} values land in C {@code int}s, so {@code ffffffff} is -1 (flags
 * then read as 2^64 − 1).</li>
 * </ul>
 * A table that cannot be opened makes the command fail with {@code open("/proc/net/route"): …}
 * (qemu keeps reading the other file but answers with the first error).
 */
public final class RouteCollector {
    private final Path ipv4;
    private final Path ipv6;

    /** @param procNet {@code <proc>/net} */
    public RouteCollector(Path procNet) {
        this.ipv4 = procNet.resolve("route");
        this.ipv6 = procNet.resolve("ipv6_route");
    }

    public List<Route> collect() throws AgentException {
        AgentException first = null;
        List<Route> out = new ArrayList<>();
        try {
            out.addAll(parseIpv4(ProcFile.read(ipv4, "/proc/net/route")));
        } catch (AgentException e) {
            first = e;
        }
        try {
            out.addAll(parseIpv6(ProcFile.read(ipv6, "/proc/net/ipv6_route")));
        } catch (AgentException e) {
            if (first == null) {
                first = e;
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }

    /** The entries of a {@code /proc/net/route} text (its first line is the header). */
    public static List<Route> parseIpv4(String text) {
        List<Route> out = new ArrayList<>();
        String[] lines = ProcFile.lines(text);
        for (int i = 1; i < lines.length; i++) {
            CScan c = new CScan(lines[i], 0);
            String iface = c.token(Integer.MAX_VALUE);
            Long dst = iface == null ? null : c.hex();
            Long gw = dst == null ? null : c.hex();
            Long flags = gw == null ? null : c.hex();
            Long refcnt = flags == null ? null : c.dec();
            Long use = refcnt == null ? null : c.dec();
            Long metric = use == null ? null : c.dec();
            Long mask = metric == null ? null : c.hex();
            Long mtu = mask == null ? null : c.dec();
            Long window = mtu == null ? null : c.dec();
            Long irtt = window == null ? null : c.dec();
            if (irtt == null) {
                continue;
            }
            out.add(new Route(4, iface, ipv4Text(dst), CScan.s32(metric), ipv4Text(gw), ipv4Text(mask),
                    CScan.s32(irtt), CScan.u32(flags), CScan.s32(refcnt), CScan.s32(use), CScan.s32(window),
                    CScan.s32(mtu), null, null, null, null));
        }
        return out;
    }

    /** The entries of a {@code /proc/net/ipv6_route} text. */
    public static List<Route> parseIpv6(String text) {
        List<Route> out = new ArrayList<>();
        for (String line : ProcFile.lines(text)) {
            CScan c = new CScan(line, 0);
            String dst = c.token(32);
            Long dstLen = dst == null ? null : c.hex();
            String src = dstLen == null ? null : c.token(32);
            Long srcLen = src == null ? null : c.hex();
            String next = srcLen == null ? null : c.token(32);
            Long metric = next == null ? null : c.hex();
            Long refcnt = metric == null ? null : c.hex();
            Long use = refcnt == null ? null : c.hex();
            Long flags = use == null ? null : c.hex();
            String iface = flags == null ? null : c.token(Integer.MAX_VALUE);
            if (iface == null) {
                continue;
            }
            String destination = ipv6Text(dst);
            if (destination == null) {
                continue;
            }
            out.add(new Route(6, iface, destination, CScan.s32(metric), null, null, null, CScan.s32(flags),
                    CScan.s32(refcnt), CScan.s32(use), null, null, Long.toString(CScan.s32(dstLen)),
                    ipv6Text(src), Long.toString(CScan.s32(srcLen)), ipv6Text(next)));
        }
        return out;
    }

    /** qemu's {@code hex_to_ip_address(&v, 0)}: the low byte first. */
    static String ipv4Text(long v) {
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }

    /**
     * qemu's {@code hex_to_ip_address(s, 1)}: 16 {@code sscanf("%02hhx")} bytes, then inet_ntop;
     * null when a byte does not start with a hex digit.
     */
    static String ipv6Text(String hex) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            int p = 2 * i;
            int hi = p < hex.length() ? Character.digit(hex.charAt(p), 16) : -1;
            if (hi < 0 || hex.charAt(p) >= 128) {
                return null;
            }
            int lo = p + 1 < hex.length() && hex.charAt(p + 1) < 128 ? Character.digit(hex.charAt(p + 1), 16) : -1;
            b[i] = (byte) (lo < 0 ? hi : hi * 16 + lo);
        }
        return InetText.ipv6(b);
    }
}
