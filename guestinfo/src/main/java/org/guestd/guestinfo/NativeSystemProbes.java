// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.jna.linux.IfAddr;
import org.guestd.jna.linux.Netlink;
import org.guestd.jna.linux.Nvme;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.StatVfs;
import org.guestd.jna.linux.Utsname;

/**
 * {@link SystemProbes} on the live machine, through native's facades: statvfs, uname, the netlink
 * address dump and the NVMe SMART-log ioctl. The agent wires it; tests use fakes.
 */
public final class NativeSystemProbes implements SystemProbes {
    @Override
    public Optional<FsUsage> statvfs(Path mountpoint) {
        try {
            StatVfs s = Posix.statvfs(mountpoint.toString());
            return Optional.of(new FsUsage(s.blocks(), s.bfree(), s.bavail(), s.frsize()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<byte[]> nvmeSmartLog(String devnode) {
        try {
            return Optional.of(Nvme.smartLog(devnode));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Uname uname() throws IOException {
        Utsname u = Posix.uname();
        return new Uname(u.sysname(), u.nodename(), u.release(), u.version(), u.machine());
    }

    @Override
    public List<IfAddress> addresses() throws IOException {
        List<IfAddress> out = new ArrayList<>();
        for (IfAddr a : Netlink.addresses()) {
            out.add(new IfAddress(a.ifname(), a.address(), a.prefixLength()));
        }
        return out;
    }
}
