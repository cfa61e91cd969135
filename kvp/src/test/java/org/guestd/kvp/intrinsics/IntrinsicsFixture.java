// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.guestinfo.GuestInfo.IpAddress;
import org.guestd.guestinfo.GuestInfo.NetInterface;
import org.guestd.guestinfo.GuestInfo;

/**
 * A fixture guest under one directory (never this machine's files): {@code ROOT/etc} (os-release,
 * resolv.conf), {@code ROOT/sys/class/net} with lo, eth0 (VMBus device id {@link #ETH0_ID}), ifb0 and
 * vf0 (eth0's MAC, no address), {@code ROOT/proc/net} routes; helper scripts are looked up in
 * {@code ROOT/scripts}, SET_IP_INFO files written to {@code ROOT/hv}.
 */
final class IntrinsicsFixture {
    static final String ETH0_ID = "{f8615163-df3e-46c5-913f-f2d2f965ed0e}";

    private IntrinsicsFixture() {}

    static IpAddress ip(String a, int p) throws Exception {
        return new IpAddress(InetAddress.getByName(a), p);
    }

    static LinuxKvpIntrinsics build(Path root, CommandRunner runner, LinuxKvpIntrinsics.SetIpMode mode) throws Exception {
        HostPaths paths = HostPaths.under(root);
        Files.createDirectories(paths.etc());
        Files.writeString(paths.etc("os-release"), "NAME=\"Debian GNU/Linux\"\nVERSION_ID='12'\n# c\n");
        Files.writeString(paths.etc("resolv.conf"), "search x\nnameserver 10.0.0.53\nnameserver fd00::53\n");
        for (String[] nic : new String[][] {{"lo", "0x9", "00:00:00:00:00:00", "1"}, {"eth0", "0x1003", "00:15:5d:aa:bb:cc", "2"},
                {"ifb0", "0x82", "9a:ad:e7:ad:f6:ef", "3"}, {"vf0", "0x1003", "00:15:5d:aa:bb:cc", "4"}}) {
            Path d = Files.createDirectories(paths.sys("class/net/" + nic[0]));
            Files.writeString(d.resolve("flags"), nic[1] + "\n");
            Files.writeString(d.resolve("address"), nic[2] + "\n");
            Files.writeString(d.resolve("ifindex"), nic[3] + "\n");
        }
        Files.createDirectories(paths.sys("class/net/eth0/device"));
        Files.writeString(paths.sys("class/net/eth0/device/device_id"), ETH0_ID + "\n");
        Files.createDirectories(paths.proc("net"));
        Files.writeString(paths.proc("net/route"), "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
                + "eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\n"
                + "eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\n");
        Files.writeString(paths.proc("net/ipv6_route"),
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003     eth0\n");
        List<NetInterface> nics = List.of(
                new NetInterface("lo", "00:00:00:00:00:00", List.of(ip("127.0.0.1", 8), ip("::1", 128)), null),
                new NetInterface("eth0", "00:15:5d:aa:bb:cc",
                        List.of(ip("10.0.0.5", 24), ip("10.0.1.5", 16), ip("fd00::5", 64), ip("fe80::215:5dff:feaa:bbcc", 64)), null),
                // guestinfo leaves addresses null for a link without any (qemu-ga omits the member)
                new NetInterface("ifb0", "9a:ad:e7:ad:f6:ef", null, null),
                new NetInterface("vf0", "00:15:5d:aa:bb:cc", null, null));
        GuestInfo info = new GuestInfo() {
            public OsInfo osInfo() {
                return new OsInfo("6.1.0-37-amd64", "#1 SMP", "x86_64", "debian", "Debian", null, null, "12", null, null);
            }
            public String hostName() {
                return "vm1";
            }
            public TimeZoneInfo timeZone() {
                return null;
            }
            public List<Vcpu> vcpus() {
                return List.of();
            }
            public List<LoginUser> users() {
                return List.of();
            }
            public List<NetInterface> interfaces() {
                return nics;
            }
            public List<Filesystem> filesystems() {
                return List.of();
            }
        };
        return new LinuxKvpIntrinsics(info, paths, runner, Files.createDirectories(root.resolve("hv")),
                root.resolve("scripts"), mode, () -> "guestd-0.1.0", h -> h + ".example.com");
    }

    /** An executable fixture script {@code ROOT/scripts/NAME} with this text. */
    static Path script(Path root, String name, String text) throws Exception {
        Path p = Files.createDirectories(root.resolve("scripts")).resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
