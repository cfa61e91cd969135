// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.jna.linux.Netlink;
import org.guestd.jna.linux.Posix;

/** guestinfo's {@link SystemProbes} on the live machine: statvfs, uname, netlink and the NVMe ioctl through JNA. */
final class NativeSystemProbes implements SystemProbes {
    @Override
    public Optional<FsUsage> statvfs(Path mountpoint) {
        try {
            org.guestd.jna.linux.StatVfs s = Posix.statvfs(mountpoint.toString());
            return Optional.of(new FsUsage(s.blocks(), s.bfree(), s.bavail(), s.frsize()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<byte[]> nvmeSmartLog(String devnode) {
        try {
            return Optional.of(org.guestd.jna.linux.Nvme.smartLog(devnode));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Uname uname() throws IOException {
        org.guestd.jna.linux.Utsname u = Posix.uname();
        return new Uname(u.sysname(), u.nodename(), u.release(), u.version(), u.machine());
    }

    @Override
    public List<IfAddress> addresses() throws IOException {
        List<IfAddress> out = new ArrayList<>();
        for (org.guestd.jna.linux.IfAddr a : Netlink.addresses()) {
            out.add(new IfAddress(a.ifname(), a.address(), a.prefixLength()));
        }
        return out;
    }
}
