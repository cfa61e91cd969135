// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.FactSource;
import org.guestd.core.facts.HostNameFact;
import org.guestd.core.facts.InterfaceFact;
import org.guestd.core.facts.OsFact;
import org.guestd.core.facts.VolumeFact;

/**
 * Publishes what {@link GuestInfo} knows as facts: the OS, the host name, every network interface
 * (instance = interface name) and every local filesystem (instance = mountpoint). They are read
 * every {@code [guestinfo] facts-interval} (default 60 s, as xe-guest-utilities polls) while a
 * channel listens, and at once when the agent asks (an address change from netlink, a resume).
 */
public final class GuestFacts {
    public static final String KEY_INTERVAL = "facts-interval";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    private GuestFacts() {}

    /** The refresh period of {@code [guestinfo]}. */
    public static Duration interval(ConfigSection guestinfo) throws AgentException {
        Duration d = guestinfo.getDuration(KEY_INTERVAL, DEFAULT_INTERVAL);
        if (d.isNegative()) {
            throw AgentException.generic("[guestinfo] facts-interval must not be negative, got " + d);
        }
        return d;
    }

    /** Registers the sources of the OS, host-name, interface and volume facts. */
    public static void register(FactPublisher facts, GuestInfo info, HostPaths paths, Duration interval) {
        facts.addSource(FactKind.OS, interval, FactSource.single(() -> os(info.osInfo())));
        facts.addSource(FactKind.HOST_NAME, interval, FactSource.single(() -> new HostNameFact(info.hostName())));
        facts.addSource(FactKind.INTERFACE, interval, () -> interfaces(info.interfaces(), paths));
        facts.addSource(FactKind.VOLUME, interval, () -> volumes(info.filesystems()));
    }

    static OsFact os(GuestInfo.OsInfo o) {
        return new OsFact(o.id(), o.name(), o.prettyName(), o.versionId(), o.version(), o.kernelRelease(),
                o.kernelVersion(), o.machine());
    }

    static Map<String, InterfaceFact> interfaces(List<GuestInfo.NetInterface> ifs, HostPaths paths) {
        Map<String, InterfaceFact> out = new LinkedHashMap<>();
        for (GuestInfo.NetInterface i : ifs) {
            List<String> v4 = new ArrayList<>();
            List<String> v6 = new ArrayList<>();
            for (GuestInfo.IpAddress a : i.addresses()) {
                (a.isIpv6() ? v6 : v4).add(a.text());
            }
            out.put(i.name(), new InterfaceFact(i.name(), i.hardwareAddress(), busNode(paths, i.name()), v4, v6));
        }
        return out;
    }

    /** {@code /sys/class/net/<if>/device/nodename} (a Xen vif: "device/vif/0"), or null. */
    private static String busNode(HostPaths paths, String ifname) {
        if (ifname.contains("/") || ifname.startsWith(".")) {
            return null;
        }
        Path p = paths.sys("class/net").resolve(ifname).resolve("device/nodename");
        try {
            String s = new String(Files.readAllBytes(p), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    static Map<String, VolumeFact> volumes(List<GuestInfo.Filesystem> fss) {
        Map<String, VolumeFact> out = new LinkedHashMap<>();
        for (GuestInfo.Filesystem f : fss) {
            long size = f.totalBytesPrivileged() == null ? -1 : f.totalBytesPrivileged();
            long free = f.totalBytes() == null || f.usedBytes() == null ? -1 : f.totalBytes() - f.usedBytes();
            out.putIfAbsent(f.mountpoint(), new VolumeFact("/dev/" + f.name(), f.mountpoint(), f.type(), size, free));
        }
        return out;
    }
}
