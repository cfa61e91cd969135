// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.guestd.guestinfo.net.InetText;
import org.guestd.jna.linux.RouteDump.Route;

/**
 * What hv_kvp_daemon's gateway commands print, computed from the kernel's route dump instead of
 * running them: {@code ip route show dev IF | awk '/default/ {print $3}'} (IPv4) and
 * {@code ip -f inet6 route show dev IF | awk ...} (IPv6), with iproute2 6.1's rules: table main only,
 * cloned routes skipped, routes whose output interface is IF, in dump order; a default route's line
 * is its words in iproute2's order with {@code dev} left out (the filter names it) — so the third word
 * is the gateway only when there is one. A default route without a gateway gives whatever follows
 * ({@code proto}'s name unless boot, else {@code scope}'s unless global, else {@code src}, else
 * {@code metric}; for {@code default dev eth0} (proto boot, scope link) that is "link"), and an
 * empty word when nothing follows — exactly what the daemon hands the host.
 *
 * <p>Protocol, scope and TOS names come from iproute2's tables ({@code /etc/iproute2/rt_protos},
 * {@code rt_protos.d/*.conf}, {@code rt_scopes}, {@code rt_dsfield}, else the built-in ones),
 * numbers when unnamed.
 * Not reproduced: multipath routes (printed on several lines) and routes with an encapsulation.
 */
public final class IpRouteDefaults {
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTN_UNICAST = 1;
    private static final int RTPROT_BOOT = 3;
    private static final int RTM_F_CLONED = 0x200;
    private static final String[] TYPES = {"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
        "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"};

    private final Map<Integer, String> protocols = new HashMap<>();
    private final Map<Integer, String> scopes = new HashMap<>();
    private final Map<Integer, String> dsfields = new HashMap<>();

    /** @param etc the etc root ({@code iproute2/rt_protos} and friends are read there) */
    public IpRouteDefaults(Path etc) {
        String[] builtinProtocols = {"0 unspec", "1 redirect", "2 kernel", "3 boot", "4 static", "8 gated", "9 ra",
            "10 mrt", "11 zebra", "12 bird", "13 dnrouted", "14 xorp", "15 ntk", "16 dhcp", "18 keepalived",
            "42 babel", "99 openr", "186 bgp", "187 isis", "188 ospf", "189 rip", "192 eigrp"};
        for (String p : builtinProtocols) {
            String[] f = p.split(" ");
            protocols.put(Integer.parseInt(f[0]), f[1]);
        }
        scopes.put(0, "global");
        scopes.put(255, "nowhere");
        scopes.put(254, "host");
        scopes.put(253, "link");
        scopes.put(200, "site");
        Path dir = etc.resolve("iproute2");
        readTable(dir.resolve("rt_protos"), protocols);
        try (DirectoryStream<Path> confs = Files.newDirectoryStream(dir.resolve("rt_protos.d"), "*.conf")) {
            for (Path c : confs) {
                readTable(c, protocols);
            }
        } catch (IOException e) {
            // no drop-in directory
        }
        readTable(dir.resolve("rt_scopes"), scopes);
        readTable(dir.resolve("rt_dsfield"), dsfields);
    }

    /** The lines awk prints for the routes of one family through interface {@code ifindex}. */
    public List<String> thirdWords(List<Route> routes, int ifindex) {
        List<String> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.table() != RT_TABLE_MAIN || (r.flags() & RTM_F_CLONED) != 0 || r.oif() != ifindex
                    || r.hasDst() || r.dstLen() != 0) {
                continue; // not listed, or listed without the word "default"
            }
            List<String> w = words(r);
            out.add(w.size() > 2 ? w.get(2) : "");
        }
        return out;
    }

    /** The words of the line iproute2 prints for a default route (up to what $3 can reach). */
    List<String> words(Route r) {
        List<String> w = new ArrayList<>();
        if (r.type() != RTN_UNICAST) {
            w.add(r.type() < TYPES.length ? TYPES[r.type()] : Integer.toString(r.type()));
        }
        w.add("default");
        if (r.src() != null || r.srcLen() != 0) {
            w.add("from");
            boolean host = r.src() != null && r.srcLen() == r.src().length * 8;
            w.add(r.src() == null ? "0/" + r.srcLen() : host ? address(r.src()) : address(r.src()) + "/" + r.srcLen());
        }
        if (r.tos() != 0) {
            w.add("tos");
            w.add(dsfields.getOrDefault(r.tos(), String.format("0x%02x", r.tos())));
        }
        if (r.gateway() != null) {
            w.add("via");
            w.add(address(r.gateway()));
        } else if (r.via() != null && r.via().length > 2) {
            int family = (r.via()[0] & 0xff) | (r.via()[1] & 0xff) << 8;
            w.add("via");
            w.add(family == 10 ? "inet6" : family == 2 ? "inet" : Integer.toString(family));
            w.add(address(Arrays.copyOfRange(r.via(), 2, r.via().length)));
        }
        if (r.protocol() != RTPROT_BOOT) {
            w.add("proto");
            w.add(protocols.getOrDefault(r.protocol(), Integer.toString(r.protocol())));
        }
        if (r.scope() != 0) {
            w.add("scope");
            w.add(scopes.getOrDefault(r.scope(), Integer.toString(r.scope())));
        }
        if (r.prefsrc() != null) {
            w.add("src");
            w.add(address(r.prefsrc()));
        }
        if (r.priority() != null) {
            w.add("metric");
            w.add(Long.toString(r.priority()));
        }
        return w;
    }

    private static String address(byte[] a) {
        try {
            return InetText.format(InetAddress.getByAddress(a));
        } catch (UnknownHostException e) {
            return ""; // neither 4 nor 16 bytes: iproute2 prints "???"; never seen from the kernel
        }
    }

    /** iproute2's table files: "NUMBER NAME" lines, '#' comments; later entries win. */
    private static void readTable(Path file, Map<Integer, String> into) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (String line : lines) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length < 2 || f[1].startsWith("#")) {
                continue;
            }
            try {
                into.put(Integer.decode(f[0]), f[1]);
            } catch (NumberFormatException e) {
                // not a table line
            }
        }
    }
}
