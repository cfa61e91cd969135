// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.guestinfo.GuestInfo.IpAddress;
import org.guestd.guestinfo.GuestInfo.NetInterface;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.kvp.KvpException.Reason;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore.Entry;
import org.slf4j.LoggerFactory;

/**
 * {@link KvpIntrinsics} computed the way hv_kvp_daemon (Linux 6.1 tools/hv) computes them, from
 * guestinfo's {@link GuestInfo} and the injected roots. FQDN and OS values are computed once (the
 * daemon caches them at start); addresses are read on every call.
 */
public final class LinuxKvpIntrinsics implements KvpIntrinsics {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);

    /** How SET_IP_INFO hands the configuration to the system. */
    public enum SetIpMode {
        /** {@code hv_set_ifconfig IFCFG} (Linux 6.1, Debian 12). */
        IFCFG,
        /** {@code hv_set_ifconfig IFCFG NMCONNECTION} (upstream since 6.6). */
        KEYFILE,
        /**
         * KEYFILE when NetworkManager runs and manages the interface ({@link
         * NetFacts#networkManagerManages}), else IFCFG; decided at each SET_IP_INFO.
         */
        AUTO
    }

    private final GuestInfo info;
    private final HostPaths paths;
    private final CommandRunner commands;
    private final NetFacts net;
    private final Path configDir;
    private final Path scriptsDir;
    private final SetIpMode mode;
    private final Supplier<String> servicesVersion;
    private final Function<String, String> canonicalName;
    private volatile List<String> fixed; // FQDN, build, name, major, minor, version, arch
    private final Set<String> helperWarned = ConcurrentHashMap.newKeySet();

    /**
     * @param configDir where ifcfg-IF / IF.nmconnection are written (the daemon: /var/lib/hyperv)
     * @param scriptsDir hv_get_dhcp_info, hv_get_dns_info and hv_set_ifconfig (the daemon:
     *     /usr/libexec/hypervkvpd)
     * @param servicesVersion IntegrationServicesVersion
     * @param canonicalName host name → FQDN (getaddrinfo AI_CANONNAME in production)
     *     (gateways from /proc: see the overload with a route source)
     */
    public LinuxKvpIntrinsics(GuestInfo info, HostPaths paths, CommandRunner commands, Path configDir,
            Path scriptsDir, SetIpMode mode, Supplier<String> servicesVersion, Function<String, String> canonicalName) {
        this(info, paths, commands, configDir, scriptsDir, mode, servicesVersion, canonicalName, null);
    }

    /**
     * @param routes the kernel's routes, for gateways exactly as the daemon's {@code ip route | awk}
     *     reports them (production: {@code RouteDump::dump}); null reads /proc's route tables, which
     *     differ for a default route without a gateway (see {@link NetFacts#gateways})
     */
    public LinuxKvpIntrinsics(GuestInfo info, HostPaths paths, CommandRunner commands, Path configDir,
            Path scriptsDir, SetIpMode mode, Supplier<String> servicesVersion, Function<String, String> canonicalName,
            NetFacts.RouteSource routes) {
        this.info = info;
        this.paths = paths;
        this.commands = commands;
        this.net = new NetFacts(paths, routes);
        this.configDir = configDir;
        this.scriptsDir = scriptsDir;
        this.mode = mode;
        this.servicesVersion = servicesVersion;
        this.canonicalName = canonicalName;
    }

    @Override
    public List<Entry> autoPool() {
        List<String> f = fixed();
        List<Entry> out = new ArrayList<>(10);
        out.add(entry("FullyQualifiedDomainName", f.get(0)));
        out.add(entry("IntegrationServicesVersion", servicesVersion.get()));
        out.add(entry("NetworkAddressIPv4", IpInfoText.joinAddresses(allAddresses(false))));
        out.add(entry("NetworkAddressIPv6", IpInfoText.joinAddresses(allAddresses(true))));
        out.add(entry("OSBuildNumber", f.get(1)));
        out.add(entry("OSName", f.get(2)));
        out.add(entry("OSMajorVersion", f.get(3)));
        out.add(entry("OSMinorVersion", f.get(4)));
        out.add(entry("OSVersion", f.get(5)));
        out.add(entry("ProcessorArchitecture", f.get(6)));
        return out;
    }

    private List<String> fixed() {
        List<String> f = fixed;
        if (f == null) {
            String release = "";
            String machine = "";
            String host = "";
            try {
                GuestInfo.OsInfo os = info.osInfo();
                release = os.kernelRelease();
                machine = os.machine();
            } catch (AgentException e) {
                // uname failing leaves the daemon's strings empty as well
            }
            try {
                host = info.hostName();
            } catch (AgentException e) {
                host = "";
            }
            DaemonOsRelease.Values osr = DaemonOsRelease.read(paths.etc(), "Linux");
            int dash = release.indexOf('-');
            f = List.of(canonicalName.apply(host), release, osr.name(), osr.major(), osr.minor(),
                    dash < 0 ? release : release.substring(0, dash), machine);
            fixed = f;
        }
        return f;
    }

    /** Non-loopback addresses of one family over all interfaces, in getifaddrs order. */
    private List<String> allAddresses(boolean v6) {
        List<String> out = new ArrayList<>();
        for (NetInterface i : interfaces()) {
            if (net.isLoopback(i.name())) {
                continue;
            }
            for (IpAddress a : addressesOf(i)) {
                if (a.isIpv6() == v6) {
                    out.add(a.text());
                }
            }
        }
        return out;
    }

    /**
     * As the daemon's {@code kvp_mac_to_ip}: the entries of {@code /sys/class/net} in directory
     * (readdir) order, not guestinfo's ifindex order — with two interfaces sharing a MAC (a VF and
     * its synthetic NIC, a bond and its slaves) the first one in directory order that has an address
     * answers; one that matches but has no address answers with empty fields only when no later
     * one has an address.
     */
    @Override
    public Optional<IpConfig> ipInfo(String macAddress) throws KvpException {
        IpConfig found = null;
        for (String name : net.linkNamesInDirectoryOrder()) {
            if (!macAddress.equals(net.macUpper(name))) {
                continue;
            }
            found = ipConfigOf(name, macAddress);
            if (!found.ipAddresses().isEmpty()) {
                break; // a NIC (e.g. a VF) with the MAC but no address is skipped
            }
        }
        return Optional.ofNullable(found);
    }

    /** As the daemon's kvp_get_ip_info(0, ifname, GET_IP_INFO): ifname matched as a prefix (sic). */
    private IpConfig ipConfigOf(String ifname, String mac) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        List<String> v4masks = new ArrayList<>();
        List<String> v6masks = new ArrayList<>();
        for (NetInterface i : interfaces()) {
            if (!i.name().startsWith(ifname) || net.isLoopback(i.name())) {
                continue;
            }
            for (IpAddress a : addressesOf(i)) {
                if (a.isIpv6()) {
                    v6.add(a.text());
                    v6masks.add("/" + a.prefix());
                } else {
                    v4.add(a.text());
                    v4masks.add(netmask(a.prefix()));
                }
            }
        }
        int family = (v4.isEmpty() ? 0 : 1) | (v6.isEmpty() ? 0 : 2);
        List<String> addrs = new ArrayList<>(v4);
        addrs.addAll(v6);
        List<String> masks = new ArrayList<>(v4masks);
        masks.addAll(v6masks);
        boolean any = !addrs.isEmpty();
        return new IpConfig(mac, family, any && dhcpEnabled(ifname), addrs, masks,
                any ? net.gateways(ifname) : List.of(), any ? dnsServers(ifname) : List.of());
    }

    /**
     * The name servers of {@code ifname}: what {@code hv_get_dns_info IFNAME} prints, one per line
     * (the helper gets the interface name since Linux 6.13, so per-connection DNS, e.g.
     * NetworkManager's, can answer), run with the injected runner — exec'd with the name as its one
     * argument, never through a shell, as the daemon's {@code exec} since 6.13 — whatever its exit
     * status, as the daemon reads its output; without the helper, the name servers of
     * /etc/resolv.conf (what the sample script prints).
     */
    private List<String> dnsServers(String ifname) {
        Path script = scriptsDir.resolve("hv_get_dns_info");
        if (!Files.isExecutable(script)) {
            return net.nameServers();
        }
        try {
            return NetFacts.helperLines(commands.run(List.of(script.toString(), ifname), null, SCRIPT_TIMEOUT).stdout());
        } catch (AgentException e) {
            warnOnce(script, e);
            return List.of(); // the daemon's popen gives no line either
        }
    }

    private void warnOnce(Path script, AgentException e) {
        if (helperWarned.add(script.toString() + ": " + e.getMessage())) {
            LoggerFactory.getLogger("org.guestd.kvp").warn("kvp: {} failed: {}", script, e.getMessage());
        }
    }

    /** The hv_get_dhcp_info script when installed (as the daemon), else the system's lease state. */
    private boolean dhcpEnabled(String ifname) {
        Path script = scriptsDir.resolve("hv_get_dhcp_info");
        if (Files.isExecutable(script)) {
            try {
                CommandRunner.CommandResult r = commands.run(List.of(script.toString(), ifname), null, SCRIPT_TIMEOUT);
                return r.stdoutText().startsWith("Enabled");
            } catch (AgentException e) {
                return false;
            }
        }
        return Files.exists(paths.run("systemd/netif/leases").resolve(ifindex(ifname)))
                || Files.exists(paths.run("NetworkManager/devices").resolve(ifindex(ifname)))
                || Files.exists(Path.of("/var/lib/dhcp/dhclient." + ifname + ".leases"));
    }

    private String ifindex(String ifname) {
        return NetFacts.read(paths.sys("class/net/" + ifname + "/ifindex")).map(String::trim).orElse("-");
    }

    @Override
    public void setIpInfo(IpConfig config) throws KvpException {
        String ifname = null;
        for (String name : net.linkNamesInDirectoryOrder()) { // kvp_get_if_name: readdir order
            if (config.adapterId().equals(net.deviceId(name))) {
                ifname = name;
                break;
            }
        }
        if (ifname == null) {
            throw new KvpException(Reason.ADAPTER_NOT_FOUND, "no adapter with device id " + config.adapterId(), null);
        }
        String mac = net.macUpper(ifname);
        if (mac == null) {
            throw new KvpException("no MAC address for " + ifname);
        }
        boolean keyfile = mode == SetIpMode.KEYFILE || (mode == SetIpMode.AUTO && net.networkManagerManages(ifname));
        Path ifcfg = configDir.resolve("ifcfg-" + ifname);
        Path nm = configDir.resolve(ifname + ".nmconnection");
        List<String> argv = new ArrayList<>(List.of(scriptsDir.resolve("hv_set_ifconfig").toString(), ifcfg.toString()));
        String ifcfgText = IfcfgWriter.ifcfg(ifname, mac, config); // what the daemon refuses, refused before any write
        String nmText = keyfile ? IfcfgWriter.keyfile(ifname, mac, config) : null;
        try {
            ConfigFiles.replace(ifcfg, ifcfgText);
            if (keyfile) {
                ConfigFiles.replace(nm, nmText);
                argv.add(nm.toString());
            }
        } catch (IOException e) {
            throw new KvpException("cannot write " + (keyfile ? nm : ifcfg) + ": " + e.getMessage(), e);
        }
        try {
            CommandRunner.CommandResult r = commands.run(argv, null, SCRIPT_TIMEOUT);
            if (!r.ok()) {
                throw new KvpException("hv_set_ifconfig failed with status " + r.exitCode() + ": " + r.stderrText().trim());
            }
        } catch (AgentException e) {
            throw new KvpException("cannot run hv_set_ifconfig: " + e.getMessage(), e);
        }
    }

    private List<NetInterface> interfaces() {
        try {
            return info.interfaces();
        } catch (AgentException e) {
            return List.of();
        }
    }

    /** guestinfo leaves {@code addresses} null for an interface without any (as qemu-ga omits the member). */
    private static List<IpAddress> addressesOf(NetInterface i) {
        return i.addresses() == null ? List.of() : i.addresses();
    }

    static String netmask(int prefix) {
        long m = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return ((m >> 24) & 0xff) + "." + ((m >> 16) & 0xff) + "." + ((m >> 8) & 0xff) + "." + (m & 0xff);
    }

    private static Entry entry(String k, String v) {
        return new Entry(k.getBytes(UTF_8), v.getBytes(UTF_8));
    }

    @Override
    public boolean hasAdapter(String deviceId) {
        try (Stream<Path> ifs = Files.list(paths.sys("class/net"))) {
            for (Path dev : ifs.toList()) {
                Path id = dev.resolve("device/device_id");
                if (Files.isReadable(id) && Files.readString(id).trim().equals(deviceId)) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger("org.guestd.kvp").debug("cannot list {}: {}", paths.sys("class/net"), e.toString());
        }
        return false;
    }
}
