// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.net.InetAddress;
import java.util.List;
import org.guestd.core.AgentException;

/**
 * What the guest is: the protocol-neutral API of the guestinfo feature, exported through
 * {@code ServiceContext.export(GuestInfo.class, …)}. QGA maps it to guest-get-osinfo,
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
            return address instanceof java.net.Inet6Address;
        }

        /**
         * The address as qemu-ga prints it ({@code inet_ntop}: "fe80::fc:ff:fe00:1", no "%scope"),
         * which differs from Java's {@code getHostAddress()}.
         */
        public String text() {
            return org.guestd.guestinfo.net.InetText.format(address);
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
}
