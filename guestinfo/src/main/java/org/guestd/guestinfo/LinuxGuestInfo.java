// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.HostPaths;
import org.guestd.guestinfo.fs.BlockDeviceCollector;
import org.guestd.guestinfo.fs.FilesystemCollector;
import org.guestd.guestinfo.net.NetworkCollector;
import org.guestd.guestinfo.net.RouteCollector;
import org.guestd.guestinfo.os.HostNameCollector;
import org.guestd.guestinfo.os.OsInfoCollector;
import org.guestd.guestinfo.stats.CpuStatsCollector;
import org.guestd.guestinfo.stats.DiskStatsCollector;
import org.guestd.guestinfo.stats.LoadAverageCollector;
import org.guestd.guestinfo.sys.Utmp;
import org.guestd.guestinfo.sys.VcpuCollector;
import org.guestd.guestinfo.tz.TimeZoneCollector;
import org.guestd.guestinfo.util.SysfsTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GuestInfo} for Linux, reproducing what qemu-ga 7.2 reports. Every call reads the system
 * afresh, only through the {@link HostPaths} roots, the injected {@link Clock} and the
 * {@link SystemProbes}; each query is delegated to a small collector (see the package
 * {@code org.guestd.guestinfo.*} classes and README.md for the qemu rules kept).
 */
public final class LinuxGuestInfo implements GuestInfo {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxGuestInfo.class);

    /**
     * Inputs that are not roots.
     *
     * @param osReleaseOverride qemu's {@code QGA_OS_RELEASE}: the only os-release file read when set
     * @param usrLibOsRelease the fallback when {@code <etc>/os-release} is unusable
     * @param tz the TZ variable's value, if set
     * @param zoneinfoDir GLib's TZDIR ({@code /usr/share/zoneinfo})
     */
    public record Options(Optional<Path> osReleaseOverride, Path usrLibOsRelease, Optional<String> tz,
            Path zoneinfoDir) {
        public Options {
            Objects.requireNonNull(osReleaseOverride, "osReleaseOverride");
            Objects.requireNonNull(usrLibOsRelease, "usrLibOsRelease");
            Objects.requireNonNull(tz, "tz");
            Objects.requireNonNull(zoneinfoDir, "zoneinfoDir");
        }

        /**
         * Defaults derived from the etc root: {@code <etc>/../usr/lib/os-release} and
         * {@code <etc>/../usr/share/zoneinfo} (i.e. the real ones in production).
         */
        public static Options defaults(HostPaths paths, Optional<Path> osReleaseOverride, Optional<String> tz) {
            return new Options(osReleaseOverride, paths.etc().resolve("../usr/lib/os-release").normalize(), tz,
                    paths.etc().resolve("../usr/share/zoneinfo").normalize());
        }
    }

    private final OsInfoCollector os;
    private final HostNameCollector hostName;
    private final TimeZoneCollector timeZone;
    private final VcpuCollector vcpus;
    private final Utmp users;
    private final NetworkCollector network;
    private final FilesystemCollector filesystems;
    private final BlockDeviceCollector blockDevices;
    private final DiskStatsCollector diskStats;
    private final CpuStatsCollector cpuStats;
    private final LoadAverageCollector load;
    private final RouteCollector routes;

    /**
     * The guestinfo feature as the agent builds it. Config section {@code [guestinfo]} (all
     * optional): {@code os-release-fallback} (default {@code /usr/lib/os-release} beside the etc
     * root) and {@code zoneinfo-dir} (GLib's TZDIR, default {@code /usr/share/zoneinfo} beside the
     * etc root). qemu-ga's environment inputs come in explicitly: {@code QGA_OS_RELEASE} as
     * {@code osReleaseOverride} and {@code TZ} as {@code tzOverride}; nothing here reads the
     * process environment. There is no periodic work and nothing is read here: every query goes
     * to the system when it is asked.
     */
    public static LinuxGuestInfo fromConfig(ConfigSection config, HostPaths paths, Clock clock, SystemProbes probes,
            Optional<Path> osReleaseOverride, Optional<String> tzOverride) {
        Options d = Options.defaults(paths, osReleaseOverride, tzOverride);
        Options options = new Options(osReleaseOverride,
                config.get("os-release-fallback").map(Path::of).orElse(d.usrLibOsRelease()),
                tzOverride,
                config.get("zoneinfo-dir").map(Path::of).orElse(d.zoneinfoDir()));
        return new LinuxGuestInfo(paths, clock, probes, options);
    }

    public LinuxGuestInfo(HostPaths paths, Clock clock, SystemProbes probes, Options options) {
        SysfsTree sys = new SysfsTree(paths.sys());
        this.os = new OsInfoCollector(probes, options.osReleaseOverride(), paths.etc("os-release"),
                options.usrLibOsRelease());
        this.hostName = new HostNameCollector(paths.proc("sys/kernel/hostname"), probes);
        this.timeZone = new TimeZoneCollector(paths.etc(), options.zoneinfoDir(), options.tz(), clock);
        this.vcpus = new VcpuCollector(sys);
        this.users = new Utmp(paths.run("utmp"));
        this.network = new NetworkCollector(sys, paths.proc("net/dev"), probes);
        this.filesystems = new FilesystemCollector(paths.proc(), paths.sys(), paths.dev(), paths.run(), probes);
        this.blockDevices = new BlockDeviceCollector(paths.sys(), paths.run(), probes);
        this.diskStats = new DiskStatsCollector(paths.proc("diskstats"));
        this.cpuStats = new CpuStatsCollector(paths.proc("stat"), CpuStatsCollector.USER_HZ);
        this.load = new LoadAverageCollector(paths.proc("loadavg"));
        this.routes = new RouteCollector(paths.proc("net"));
    }

    @Override
    public OsInfo osInfo() throws AgentException {
        return guard("osinfo", os::collect);
    }

    @Override
    public String hostName() throws AgentException {
        return guard("host-name", hostName::collect);
    }

    @Override
    public TimeZoneInfo timeZone() throws AgentException {
        return guard("timezone", timeZone::collect);
    }

    @Override
    public List<Vcpu> vcpus() throws AgentException {
        return guard("vcpus", vcpus::collect);
    }

    @Override
    public List<LoginUser> users() throws AgentException {
        return guard("users", users::collect);
    }

    @Override
    public List<NetInterface> interfaces() throws AgentException {
        return guard("interfaces", network::collect);
    }

    @Override
    public List<Filesystem> filesystems() throws AgentException {
        return guard("filesystems", filesystems::collect);
    }

    @Override
    public List<BlockDevice> blockDevices() throws AgentException {
        return guard("disks", blockDevices::collect);
    }

    @Override
    public List<DiskStats> diskStats() throws AgentException {
        return guard("diskstats", diskStats::collect);
    }

    @Override
    public List<CpuStats> cpuStats() throws AgentException {
        return guard("cpustats", cpuStats::collect);
    }

    @Override
    public LoadAverage loadAverage() throws AgentException {
        return guard("load", load::collect);
    }

    @Override
    public List<Route> routes() throws AgentException {
        return guard("routes", routes::collect);
    }

    private interface Collect<T> {
        T get() throws AgentException;
    }

    /** A collector bug or a probe's unchecked failure becomes an error reply, never a crash. */
    private static <T> T guard(String what, Collect<T> c) throws AgentException {
        try {
            return c.get();
        } catch (RuntimeException e) {
            LOG.warn("collecting {} failed", what, e);
            throw AgentException.generic("failed to collect " + what + ": " + e, e);
        }
    }
}
