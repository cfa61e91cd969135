// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A scriptable {@link SystemProbes}: nothing here touches the machine. */
public class FakeProbes implements SystemProbes {
    public Uname uname = new Uname("Linux", "vm", "6.18.44-fc-v669", "#1 SMP PREEMPT_DYNAMIC @0", "x86_64");
    public IOException unameFailure;
    public final List<IfAddress> addresses = new ArrayList<>();
    public IOException addressesFailure;
    public final Map<Path, FsUsage> statvfs = new HashMap<>();
    public final List<Path> statvfsCalls = new ArrayList<>();
    /** NVMe SMART log pages by device node. */
    public final Map<String, byte[]> nvmeLogs = new HashMap<>();

    @Override
    public Optional<byte[]> nvmeSmartLog(String devnode) {
        return Optional.ofNullable(nvmeLogs.get(devnode));
    }

    @Override
    public Optional<FsUsage> statvfs(Path mountpoint) {
        statvfsCalls.add(mountpoint);
        return Optional.ofNullable(statvfs.get(mountpoint));
    }

    @Override
    public Uname uname() throws IOException {
        if (unameFailure != null) {
            throw unameFailure;
        }
        return uname;
    }

    @Override
    public List<IfAddress> addresses() throws IOException {
        if (addressesFailure != null) {
            throw addressesFailure;
        }
        return List.copyOf(addresses);
    }

    /** Adds an address given as text ("192.0.2.2", "fe80::1"). */
    public FakeProbes address(String ifname, String ip, int prefix) {
        try {
            addresses.add(new IfAddress(ifname, InetAddress.getByName(ip), prefix));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
        return this;
    }
}
