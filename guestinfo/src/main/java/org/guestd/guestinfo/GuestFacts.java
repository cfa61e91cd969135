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
 * (instance = interface name) and every local filesystem (instance = mountpoint), each interface and
 * volume with the paravirtual bus node its device sits on (a Xen vif or vbd: the key its channel
 * reports it under). They are read
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
        facts.addSource(FactKind.VOLUME, interval, () -> volumes(info.filesystems(), paths));
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
        return readNode(paths.sys("class/net").resolve(ifname).resolve("device/nodename"));
    }

    private static String readNode(Path p) {
        try {
            String s = new String(Files.readAllBytes(p), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    static Map<String, VolumeFact> volumes(List<GuestInfo.Filesystem> fss, HostPaths paths) {
        Map<String, VolumeFact> out = new LinkedHashMap<>();
        for (GuestInfo.Filesystem f : fss) {
            long size = f.totalBytesPrivileged() == null ? -1 : f.totalBytesPrivileged();
            long free = f.totalBytes() == null || f.usedBytes() == null ? -1 : f.totalBytes() - f.usedBytes();
            out.putIfAbsent(f.mountpoint(), new VolumeFact("/dev/" + f.name(), f.mountpoint(), f.type(), size, free,
                    diskBusNode(paths, f.name())));
        }
        return out;
    }

    /**
     * The bus node of the disk a block device is on: {@code /sys/class/block/<dev>/device/nodename}
     * for a whole disk, {@code /sys/class/block/<part>/../device/nodename} for a partition (sysfs
     * puts a partition's directory inside its disk's; the kernel resolves the {@code ..} after the
     * link), or null (LVM, loop, a disk on no paravirtual bus).
     */
    static String diskBusNode(HostPaths paths, String dev) {
        if (dev == null || dev.isEmpty() || dev.contains("/") || dev.startsWith(".")) {
            return null;
        }
        Path block = paths.sys("class/block").resolve(dev);
        String own = readNode(block.resolve("device/nodename"));
        if (own != null) {
            return own;
        }
        return Files.exists(block.resolve("partition")) ? readNode(block.resolve("../device/nodename")) : null;
    }
}
