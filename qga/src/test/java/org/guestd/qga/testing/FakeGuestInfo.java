// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;

/**
 * A {@link GuestInfo} whose default data is the machine the golden transcripts were captured on
 * (Debian 12 VM "vm", UTC, lo/ifb0/ifb1/eth0, one virtio disk, 2 vCPUs), so replies can be compared byte
 * for byte. Fields are public and mutable for tests that need other data; {@link #failure}, when
 * set, is thrown by every call.
 */
public final class FakeGuestInfo implements GuestInfo {
    public OsInfo os = new OsInfo("6.18.44-fc-v669", "#1 SMP PREEMPT_DYNAMIC @0", "x86_64", "debian",
            "Debian GNU/Linux", "Debian GNU/Linux 12 (bookworm)", "12 (bookworm)", "12", null, null);
    public String hostName = "vm";
    public TimeZoneInfo timeZone = new TimeZoneInfo("UTC", 0);
    public List<Vcpu> vcpus = List.of(new Vcpu(1, true, true), new Vcpu(0, true, false));
    public List<LoginUser> users = List.of();
    public List<NetInterface> interfaces = transcriptInterfaces();
    public List<Filesystem> filesystems = List.of(new Filesystem("vda", "/", "ext4", 25121107968L, 108944293888L,
            null, List.of(new DiskAddress(0, 0, 2, 0, "virtio", 0, 0, 0, "/dev/vda", null))));
    /** Transcript 19a. */
    public List<BlockDevice> blockDevices = List.of(new BlockDevice("/dev/vda", false, List.of(),
            new DiskAddress(0, 0, 2, 0, "virtio", 0, 0, 0, "/dev/vda", null), null, null));
    /** Transcript 19b. */
    public List<DiskStats> diskStats = transcriptDiskStats();
    /** Transcript 19c. */
    public List<CpuStats> cpuStats = List.of(new CpuStats(0, 88090, 0, 61440, 201090, 280L, 0L, 60L, 360L, 0L, 0L),
            new CpuStats(1, 86260, 0, 65530, 196830, 1750L, 0L, 590L, 420L, 10L, 0L));
    /** No transcript (qemu-ga 7.2 lacks guest-get-load): an idle machine. */
    public LoadAverage load = new LoadAverage(0.17, 0.05, 0.01);
    /** No transcript (qemu-ga 7.2 lacks guest-network-get-route): eth0's IPv4 default route and IPv6 prefix. */
    public List<Route> routes = List.of(
            new Route(4, "eth0", "0.0.0.0", 0, "192.0.2.1", "0.0.0.0", 0L, 3L, 0L, 0L, 0L, 0L, null, null, null, null),
            new Route(6, "eth0", "fd00::", 256, null, null, null, 1L, 1L, 0L, null, null, "64", "::", "0", "::"));
    public volatile AgentException failure;

    /** {@code value}, or {@link #failure} when one is set. */
    private <T> T checked(T value) throws AgentException {
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    @Override
    public OsInfo osInfo() throws AgentException {
        return checked(os);
    }

    @Override
    public String hostName() throws AgentException {
        return checked(hostName);
    }

    @Override
    public TimeZoneInfo timeZone() throws AgentException {
        return checked(timeZone);
    }

    @Override
    public List<Vcpu> vcpus() throws AgentException {
        return checked(vcpus);
    }

    @Override
    public List<LoginUser> users() throws AgentException {
        return checked(users);
    }

    @Override
    public List<NetInterface> interfaces() throws AgentException {
        return checked(interfaces);
    }

    @Override
    public List<Filesystem> filesystems() throws AgentException {
        return checked(filesystems);
    }

    @Override
    public List<BlockDevice> blockDevices() throws AgentException {
        return checked(blockDevices);
    }

    @Override
    public List<DiskStats> diskStats() throws AgentException {
        return checked(diskStats);
    }

    @Override
    public List<CpuStats> cpuStats() throws AgentException {
        return checked(cpuStats);
    }

    @Override
    public LoadAverage loadAverage() throws AgentException {
        return checked(load);
    }

    @Override
    public List<Route> routes() throws AgentException {
        return checked(routes);
    }

    private static List<DiskStats> transcriptDiskStats() {
        IoCounters zero = new IoCounters(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
        List<DiskStats> l = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            l.add(new DiskStats("loop" + i, 7, i, zero));
        }
        l.add(new DiskStats("vda", 254, 0, new IoCounters(36455L, 9167L, 2179410L, 10379L, 11624L, 36744L, 4297608L,
                26312L, 0L, 5672L, 37207L, 5479L, 44L, 191144L, 457L, 1388L, 58L)));
        l.add(new DiskStats("zram0", 253, 0, zero));
        return l;
    }

    public static IpAddress ip(String literal, int prefix) {
        try {
            return new IpAddress(InetAddress.getByName(literal), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static List<NetInterface> transcriptInterfaces() {
        List<NetInterface> l = new ArrayList<>();
        l.add(new NetInterface("lo", "00:00:00:00:00:00",
                List.of(ip("127.0.0.1", 8), ip("::1", 128)),
                new NetStats(3193, 29, 0, 0, 3193, 29, 0, 0)));
        // ifb0/ifb1 have counters but no address: qemu-ga omits statistics then.
        l.add(new NetInterface("ifb0", "16:44:00:44:aa:04", List.of(), new NetStats(1, 1, 0, 0, 1, 1, 0, 0)));
        l.add(new NetInterface("ifb1", "86:54:3d:0b:62:af", List.of(), null));
        l.add(new NetInterface("eth0", "02:fc:00:00:00:01",
                List.of(ip("192.0.2.2", 24), ip("fd00::2", 64), ip("fe80::fc:ff:fe00:1", 64)),
                new NetStats(284707704, 6311, 0, 0, 412283, 3972, 0, 0)));
        return l;
    }
}
