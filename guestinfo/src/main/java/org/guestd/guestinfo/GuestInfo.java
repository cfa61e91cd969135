// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.net.InetText;

/**
 * What the guest is: the protocol-neutral API of the guestinfo feature, exported through
 * built by the agent ({@link LinuxGuestInfo#fromConfig}) and handed to the channels. QGA maps it to guest-get-osinfo,
 * guest-network-get-interfaces…; Hyper-V KVP and Xen map the same records to their keys.
 * Every call reads the system afresh through the injected roots and probes.
 * Nullable record components are the ones the real system may lack.
 */
public interface GuestInfo {
    OsInfo osInfo() throws AgentException;

    String hostName() throws AgentException;

    TimeZoneInfo timeZone() throws AgentException;

    /** Every vCPU the kernel knows, in qemu-ga's order. */
    List<Vcpu> vcpus() throws AgentException;

    /** Logged-in users, one entry per user name with its earliest login. */
    List<LoginUser> users() throws AgentException;

    /** Every network interface (also those without addresses), in the kernel's link order. */
    List<NetInterface> interfaces() throws AgentException;

    /** Local block-device filesystems with usage, in qemu-ga's order. */
    List<Filesystem> filesystems() throws AgentException;

    /**
     * Every block device of non-zero size and its partitions, in qemu-ga's order (guest-get-disks).
     * The default (for implementations without block devices) fails as unsupported.
     */
    default List<BlockDevice> blockDevices() throws AgentException {
        throw AgentException.unsupported();
    }

    /** I/O counters of every line of {@code /proc/diskstats}, in file order. */
    default List<DiskStats> diskStats() throws AgentException {
        throw AgentException.unsupported();
    }

    /** Per-CPU times of {@code /proc/stat} ({@code cpuN} lines only), in milliseconds. */
    default List<CpuStats> cpuStats() throws AgentException {
        throw AgentException.unsupported();
    }

    /** The 1, 5 and 15 minute load averages ({@code getloadavg(3)}). */
    default LoadAverage loadAverage() throws AgentException {
        throw AgentException.unsupported();
    }

    /** The IPv4 then the IPv6 routing table, as the kernel lists them. */
    default List<Route> routes() throws AgentException {
        throw AgentException.unsupported();
    }

    /** uname(2) plus os-release(5); each os-release field null when absent. */
    record OsInfo(String kernelRelease, String kernelVersion, String machine, String id, String name,
            String prettyName, String version, String versionId, String variant, String variantId) {}

    /** @param zone abbreviation in force now (e.g. "CET"), null if unknown; offset seconds east of UTC */
    record TimeZoneInfo(String zone, int offsetSeconds) {}

    record Vcpu(int logicalId, boolean online, boolean canOffline) {}

    /** @param loginTime seconds since the epoch, with microseconds as the fraction */
    record LoginUser(String user, double loginTime) {}

    /** @param hardwareAddress "aa:bb:…" or null; stats null when the kernel has none */
    record NetInterface(String name, String hardwareAddress, List<IpAddress> addresses, NetStats stats) {}

    record IpAddress(InetAddress address, int prefix) {
        public boolean isIpv6() {
            return address instanceof Inet6Address;
        }

        /**
         * The address as qemu-ga prints it ({@code inet_ntop}: "fe80::fc:ff:fe00:1", no "%scope"),
         * which differs from Java's {@code getHostAddress()}.
         */
        public String text() {
            return InetText.format(address);
        }
    }

    record NetStats(long rxBytes, long rxPackets, long rxErrs, long rxDropped,
            long txBytes, long txPackets, long txErrs, long txDropped) {}

    /**
     * @param name the block device's kernel name (e.g. "vda1", "dm-0")
     * @param usedBytes (blocks − bfree) × frsize, null when statvfs failed
     * @param totalBytes (blocks − bfree + bavail) × frsize, null when statvfs failed
     * @param totalBytesPrivileged blocks × frsize, null when statvfs failed (qemu-ga 9.1+ only)
     *        — the three byte counts are unsigned 64-bit values in long bits
     *        ({@code Long.toUnsignedString} to print them)
     */
    record Filesystem(String name, String mountpoint, String type, Long usedBytes, Long totalBytes,
            Long totalBytesPrivileged, List<DiskAddress> disks) {}

    /**
     * Where a filesystem's disk sits (QGA GuestDiskAddress).
     *
     * @param pciDomain -1 when unknown (as qemu-ga); likewise bus, slot, function
     * @param busType one of qemu-ga's bus-type names: ide, scsi, virtio, sata, nvme, unknown…
     * @param dev device node, e.g. "/dev/vda", or null
     * @param serial disk serial, or null
     */
    record DiskAddress(int pciDomain, int pciBus, int pciSlot, int pciFunction, String busType,
            int bus, int target, int unit, String dev, String serial) {}

    /**
     * A block device (QGA GuestDiskInfo).
     *
     * @param name device node, e.g. "/dev/vda" or "/dev/vda1"
     * @param partition true for a partition of a disk
     * @param dependencies device nodes this one sits on (slaves; a partition's disk), null when
     *        the kernel has no {@code slaves} directory for it
     * @param address where the disk sits, null for virtual devices, partitions and unknown buses
     * @param alias the device-mapper name (udev {@code DM_NAME}), or null
     * @param smart NVMe SMART / health log, or null
     */
    record BlockDevice(String name, boolean partition, List<String> dependencies, DiskAddress address,
            String alias, NvmeSmart smart) {}

    /** An unsigned 128-bit counter of the NVMe health log as two 64-bit halves (long bits). */
    record U128(long lo, long hi) {}

    /** The NVMe SMART / Health Information log page (log identifier 02h). */
    record NvmeSmart(int criticalWarning, int temperature, int availableSpare, int availableSpareThreshold,
            int percentageUsed, U128 dataUnitsRead, U128 dataUnitsWritten, U128 hostReadCommands,
            U128 hostWriteCommands, U128 controllerBusyTime, U128 powerCycles, U128 powerOnHours,
            U128 unsafeShutdowns, U128 mediaErrors, U128 errorLogEntries) {}

    /**
     * One {@code /proc/diskstats} line. Counters are unsigned 64-bit values in long bits, null
     * when the line is too short to carry them (old kernels, 4-field partition lines).
     */
    record DiskStats(String name, long major, long minor, IoCounters counters) {}

    /** The counters of {@link DiskStats}; ticks are milliseconds. */
    record IoCounters(Long readIos, Long readMerges, Long readSectors, Long readTicks, Long writeIos,
            Long writeMerges, Long writeSectors, Long writeTicks, Long iosInProgress, Long totalTicks,
            Long weightedTicks, Long discardIos, Long discardMerges, Long discardSectors, Long discardTicks,
            Long flushIos, Long flushTicks) {}

    /**
     * One {@code cpuN} line of {@code /proc/stat}, converted to milliseconds (unsigned 64-bit
     * values in long bits); the optional times are null when the kernel does not print them.
     */
    record CpuStats(int cpu, long user, long nice, long system, long idle, Long iowait, Long irq, Long softirq,
            Long steal, Long guest, Long guestNice) {}

    record LoadAverage(double load1m, double load5m, double load15m) {}

    /**
     * A routing table entry (QGA GuestNetworkRoute). IPv4 entries have gateway, mask, mtu, window
     * and irtt; IPv6 entries have the prefix lengths (decimal text), source and next hop; both
     * have flags, refcnt and use. Absent members are null.
     *
     * @param version 4 or 6
     * @param flags unsigned 64-bit value in long bits
     */
    record Route(int version, String iface, String destination, long metric, String gateway, String mask,
            Long irtt, Long flags, Long refcnt, Long use, Long window, Long mtu, String destinationPrefixLength,
            String source, String sourcePrefixLength, String nextHop) {}
}
