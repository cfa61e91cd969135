// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The few facts guestinfo cannot read from files under the proc/sys roots. The agent wires the
 * native implementation (statvfs, uname and netlink through JNA); tests pass fakes, so collectors
 * never touch the live machine.
 */
public interface SystemProbes {
    /** statvfs(2) of a mountpoint, empty when it fails (qemu-ga then omits the byte counts). */
    Optional<FsUsage> statvfs(Path mountpoint);

    /** uname(2). */
    Uname uname() throws IOException;

    /** Every interface address (getifaddrs' AF_INET/AF_INET6 entries) in kernel order. */
    List<IfAddress> addresses() throws IOException;

    /**
     * The NVMe SMART / Health Information log page (512 bytes, log identifier 02h, broadcast
     * namespace) of the device node, by the {@code NVME_IOCTL_ADMIN_CMD} ioctl qemu-ga uses; empty
     * when the device cannot be opened or the ioctl fails (qemu-ga then reports no smart data).
     */
    default Optional<byte[]> nvmeSmartLog(String devnode) {
        return Optional.empty();
    }

    record FsUsage(long blocks, long bfree, long bavail, long frsize) {}

    record Uname(String sysname, String nodename, String release, String version, String machine) {}

    record IfAddress(String ifname, InetAddress address, int prefixLength) {}
}
