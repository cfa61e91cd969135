// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.guestd.core.env.HostPaths;
import org.guestd.guestinfo.net.InetText;
import org.guestd.jna.linux.RouteDump;

/**
 * The facts hv_kvp_daemon gets from /sys, {@code ip route} and {@code hv_get_dns_info}, read
 * natively from the injected roots: interface flags, MAC addresses and VMBus device ids
 * ({@code /sys/class/net}), default gateways ({@code /proc/net/route}, {@code /proc/net/ipv6_route}
 * — what {@code ip route show dev IF | awk '/default/ {print $3}'} prints), name servers
 * ({@code /etc/resolv.conf}, as the sample {@code hv_get_dns_info} script:
 * {@code awk '/^nameserver/ { print $2 }'}; used when no helper script is installed), and the
 * line splitting of a helper's output.
 */
public final class NetFacts {
    private static final int IFF_LOOPBACK = 0x8;
    private final HostPaths paths;
    private final RouteSource routes;
    private final IpRouteDefaults ipRoute;

    /** The kernel's routes of one family (production: {@link RouteDump#dump}). */
    public interface RouteSource {
        List<RouteDump.Route> routes(int family) throws IOException;
    }

    /** Gateways from {@code /proc/net/route} and {@code ipv6_route} under the roots (fixture trees). */
    public NetFacts(HostPaths paths) {
        this(paths, null);
    }

    /**
     * @param routes the route dump the gateways are computed from exactly as the daemon's
     *     {@code ip route … | awk} prints them ({@link IpRouteDefaults}); null: read /proc's route
     *     tables instead, which name only real gateways
     */
    public NetFacts(HostPaths paths, RouteSource routes) {
        this.paths = paths;
        this.routes = routes;
        this.ipRoute = new IpRouteDefaults(paths.etc());
    }

    /** Whether {@code ifname} has IFF_LOOPBACK set (sysfs {@code flags}, hex). */
    public boolean isLoopback(String ifname) {
        return read(paths.sys("class/net/" + ifname + "/flags"))
                .map(s -> {
                    try {
                        return (Long.decode(s.trim()) & IFF_LOOPBACK) != 0;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                })
                .orElse(ifname.equals("lo"));
    }

    /** The MAC address upper-cased as the daemon compares it, or null. */
    public String macUpper(String ifname) {
        return read(paths.sys("class/net/" + ifname + "/address"))
                .map(s -> s.split("\n", 2)[0].toUpperCase(Locale.ROOT)).orElse(null);
    }

    /** The VMBus instance id ({@code {xxxxxxxx-…}}) of the interface's device, or null. */
    public String deviceId(String ifname) {
        return read(paths.sys("class/net/" + ifname + "/device/device_id"))
                .map(s -> s.split("\n", 2)[0]).orElse(null);
    }

    /**
     * The names in {@code /sys/class/net} in directory order (what readdir(3) returns, which is
     * what hv_kvp_daemon walks; {@link Files#list} keeps that order). Empty when unreadable.
     */
    public List<String> linkNamesInDirectoryOrder() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(paths.sys("class/net"))) {
            s.forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            // no sysfs: no adapter can match
        }
        return out;
    }

    /**
     * What the daemon reports as gateways of {@code ifname}: the third word of every default route
     * line of {@code ip route show dev IF}, then of {@code ip -f inet6 route show dev IF} (with a
     * route source; see {@link IpRouteDefaults}), else the real default gateways from /proc.
     */
    public List<String> gateways(String ifname) {
        if (routes == null) {
            return procGateways(ifname);
        }
        int ifindex;
        try {
            ifindex = Integer.parseInt(read(paths.sys("class/net/" + ifname + "/ifindex")).orElse("").trim());
        } catch (NumberFormatException e) {
            return List.of(); // ip: "Cannot find device": no output
        }
        List<String> out = new ArrayList<>();
        int used = 0;
        for (int family : new int[] {RouteDump.AF_INET, RouteDump.AF_INET6}) {
            List<String> lines;
            try {
                lines = ipRoute.thirdWords(routes.routes(family), ifindex);
            } catch (IOException e) {
                continue; // ip failing prints nothing on stdout
            }
            // kvp_process_ipconfig_file's stop: 1024 < strlen(buf) + INET(6)_ADDRSTRLEN + 1, by command
            int element = family == RouteDump.AF_INET ? 16 : 46;
            for (String line : lines) {
                if (GATEWAY_BUFFER < used + element + 1) {
                    break;
                }
                out.add(line);
                used += line.getBytes(StandardCharsets.UTF_8).length + 1;
            }
        }
        return out;
    }

    /** {@code hv_kvp_ipaddr_value.gate_way}: 1024 bytes. */
    private static final int GATEWAY_BUFFER = 1024;

    /** Default IPv4 then IPv6 gateways of {@code ifname} from /proc, in the kernel's table order. */
    private List<String> procGateways(String ifname) {
        List<String> out = new ArrayList<>();
        for (String line : lines(paths.proc("net/route"))) {
            String[] f = line.trim().split("\\s+");
            // Iface Destination Gateway Flags RefCnt Use Metric Mask …
            if (f.length >= 8 && f[0].equals(ifname) && f[1].equals("00000000") && f[7].equals("00000000")) {
                long gw = Long.parseLong(f[2], 16);
                if (gw != 0) {
                    out.add((gw & 0xff) + "." + ((gw >> 8) & 0xff) + "." + ((gw >> 16) & 0xff) + "." + ((gw >> 24) & 0xff));
                }
            }
        }
        for (String line : lines(paths.proc("net/ipv6_route"))) {
            String[] f = line.trim().split("\\s+");
            // dest plen src splen nexthop metric refcnt use flags dev
            if (f.length >= 10 && f[9].equals(ifname) && f[0].matches("0{32}") && f[1].equals("00")
                    && !f[4].matches("0{32}")) {
                out.add(ipv6(f[4]));
            }
        }
        return out;
    }

    /** Name servers of /etc/resolv.conf, as {@code awk '/^nameserver/ { print $2 }'}. */
    public List<String> nameServers() {
        List<String> out = new ArrayList<>();
        for (String line : lines(paths.etc("resolv.conf"))) {
            if (line.startsWith("nameserver")) {
                String[] f = line.trim().split("[ \t]+");
                out.add(f.length > 1 ? f[1] : "");
            }
        }
        return out;
    }

    /**
     * Whether NetworkManager runs (a process named {@code NetworkManager} in /proc) and manages
     * {@code ifname}: its device state file {@code /run/NetworkManager/devices/IFINDEX} (written by
     * NetworkManager for every device it knows, kept across its restarts) says {@code managed=true}
     * in its {@code [device]} group. A device it leaves alone ({@code managed=false}, unmanaged by
     * config or udev) or has no state for is not.
     */
    public boolean networkManagerManages(String ifname) {
        String ifindex = read(paths.sys("class/net/" + ifname + "/ifindex")).map(String::trim).orElse("");
        if (!ifindex.matches("[1-9][0-9]*")) {
            return false;
        }
        boolean managed = false;
        boolean inDevice = false;
        for (String line : lines(paths.run("NetworkManager/devices/" + ifindex))) {
            String t = line.trim();
            if (t.startsWith("[")) {
                inDevice = t.equals("[device]");
            } else if (inDevice && t.startsWith("managed") && t.indexOf('=') > 0
                    && t.substring(0, t.indexOf('=')).trim().equals("managed")) {
                String v = t.substring(t.indexOf('=') + 1).trim().toLowerCase(Locale.ROOT);
                managed = v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1");
            }
        }
        return managed && networkManagerRuns();
    }

    private boolean networkManagerRuns() {
        try (Stream<Path> procs = Files.list(paths.proc())) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+"))
                    .anyMatch(p -> read(p.resolve("comm")).map(String::trim).orElse("").equals("NetworkManager"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A helper's output as the daemon's {@code kvp_process_ipconfig_file} takes it: one entry per
     * {@code fgets} of 256 bytes (a line, or 255 bytes of a longer one), its newline removed, cut at
     * a NUL ({@code strcat}).
     */
    public static List<String> helperLines(byte[] out) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < out.length) {
            int end = i;
            while (end < out.length && end - i < 255 && out[end] != '\n') {
                end++;
            }
            boolean newline = end < out.length && out[end] == '\n' && end - i < 255;
            int stop = i;
            while (stop < end && out[stop] != 0) {
                stop++;
            }
            lines.add(new String(out, i, stop - i, StandardCharsets.UTF_8));
            i = newline ? end + 1 : end;
        }
        return lines;
    }

    private static String ipv6(String hex32) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) Integer.parseInt(hex32.substring(2 * i, 2 * i + 2), 16);
        }
        try {
            return InetText.format(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always a valid address
        }
    }

    static Optional<String> read(Path p) {
        try {
            return Optional.of(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<String> lines(Path p) {
        return read(p).map(s -> List.of(s.split("\n"))).orElse(List.of());
    }
}
