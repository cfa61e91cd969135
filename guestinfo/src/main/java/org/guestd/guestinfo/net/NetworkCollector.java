// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.IpAddress;
import org.guestd.guestinfo.GuestInfo.NetInterface;
import org.guestd.guestinfo.GuestInfo.NetStats;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.guestinfo.util.SysfsTree;
import org.guestd.jna.linux.Errno;

/**
 * guest-network-get-interfaces as qemu-ga 7.2 builds it from {@code getifaddrs(3)}, whose list
 * starts with one AF_PACKET entry per link (kernel link order, i.e. by ifindex) followed by the
 * IPv4 and IPv6 addresses. Reproduced here from sysfs plus the probes' address list:
 * <ul>
 * <li>one interface per link of {@code <sys>/class/net}, sorted by {@code ifindex}, then one per
 * address label not yet seen (an IPv4 label such as {@code eth0:1} becomes its own interface, as
 * getifaddrs reports labels), in probe order;</li>
 * <li>{@code hardware-address} for every interface: qemu 7.2 issues SIOCGIFHWADDR for each one,
 * and Linux answers with the first 6 bytes of {@code dev_addr}, zero-filled — so {@code lo}, tun
 * or WireGuard devices (addr_len 0) get {@code 00:00:00:00:00:00}; an alias label gets its base
 * link's address (the kernel cuts the name at ':'); a label without a link gets none;</li>
 * <li>{@code ip-addresses} only when the interface has at least one address, and
 * {@code statistics} only then too (qemu reads {@code /proc/net/dev} when it appends an address),
 * and only when {@code /proc/net/dev} has a line for that exact name.</li>
 * </ul>
 */
public final class NetworkCollector {
    private final SysfsTree sys;
    private final Path procNetDev;
    private final SystemProbes probes;

    public NetworkCollector(SysfsTree sys, Path procNetDev, SystemProbes probes) {
        this.sys = sys;
        this.procNetDev = procNetDev;
        this.probes = probes;
    }

    public List<NetInterface> collect() throws AgentException {
        List<SystemProbes.IfAddress> addrs;
        try {
            addrs = probes.addresses();
        } catch (IOException e) {
            throw AgentException.generic(Errno.message("getifaddrs failed", e), e);
        }
        Map<String, List<IpAddress>> byName = new LinkedHashMap<>();
        for (Link l : links()) {
            byName.putIfAbsent(l.name(), new ArrayList<>());
        }
        for (SystemProbes.IfAddress a : addrs) {
            byName.computeIfAbsent(a.ifname(), k -> new ArrayList<>())
                    .add(new IpAddress(a.address(), a.prefixLength()));
        }
        String netdev = readNetDev();
        List<NetInterface> out = new ArrayList<>(byName.size());
        for (Map.Entry<String, List<IpAddress>> e : byName.entrySet()) {
            String name = e.getKey();
            List<IpAddress> ips = e.getValue();
            NetStats stats = null;
            if (!ips.isEmpty() && netdev != null) {
                stats = NetDev.find(netdev, name);
            }
            out.add(new NetInterface(name, hardwareAddress(name), ips.isEmpty() ? null : List.copyOf(ips), stats));
        }
        return out;
    }

    private record Link(String name, long ifindex) {}

    private List<Link> links() {
        List<Link> links = new ArrayList<>();
        List<String> names;
        try {
            names = sys.list("/sys/class/net");
        } catch (IOException e) {
            return links;
        }
        for (String n : names) {
            String idx = sys.readAttribute("/sys/class/net/" + n + "/ifindex");
            long ifindex = Long.MAX_VALUE;
            if (idx != null) {
                try {
                    ifindex = Long.parseLong(idx.trim());
                } catch (NumberFormatException ignored) {
                    // keep it last
                }
            }
            links.add(new Link(n, ifindex));
        }
        links.sort(Comparator.comparingLong(Link::ifindex).thenComparing(Link::name));
        return links;
    }

    private String readNetDev() {
        try {
            return new String(Files.readAllBytes(procNetDev), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** What SIOCGIFHWADDR would give for {@code ifname}, or null when the ioctl would fail. */
    String hardwareAddress(String ifname) {
        int colon = ifname.indexOf(':');
        String dev = colon >= 0 ? ifname.substring(0, colon) : ifname;
        if (dev.isEmpty() || dev.contains("/")) {
            return null;
        }
        String text = sys.readAttribute("/sys/class/net/" + dev + "/address");
        return text == null ? null : formatMac(text);
    }

    /** First six bytes of a sysfs {@code address} ("aa:bb:…", any length), zero-filled. */
    static String formatMac(String sysfsAddress) {
        int[] bytes = new int[6];
        String t = sysfsAddress.trim();
        if (!t.isEmpty()) {
            String[] parts = t.split(":");
            for (int i = 0; i < parts.length && i < 6; i++) {
                try {
                    bytes[i] = Integer.parseInt(parts[i], 16) & 0xff;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return String.format("%02x:%02x:%02x:%02x:%02x:%02x",
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
    }
}
