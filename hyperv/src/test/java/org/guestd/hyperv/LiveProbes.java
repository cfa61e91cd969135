// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.guestinfo.SystemProbes;
import org.guestd.jna.linux.IfAddr;
import org.guestd.jna.linux.Netlink;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.StatVfs;
import org.guestd.jna.linux.Utsname;

/**
 * guestinfo's {@link SystemProbes} on this machine, as the agent wires them (statvfs, uname,
 * netlink through the native module), for the tests that compare guestd with the reference daemon
 * on the live system. The agent's own class is package-private in the agent module, which depends
 * on this one.
 */
final class LiveProbes implements SystemProbes {
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
