// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics.IpConfig;
import org.guestd.kvp.intrinsics.LinuxKvpIntrinsics.SetIpMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SET_IP_INFO's files byte for byte against what Debian's linux-source 6.12.95 hv_kvp_daemon wrote
 * for the same requests (src/test/resources/setip, captured by hyperv's KvpSetIpDifferentialIT),
 * after guestd's owner header; 0600; hv_set_ifconfig's arguments; the mode choice (keyfile where
 * NetworkManager runs and manages the interface); nothing written for a request the daemon refuses.
 * Fixture roots and a recording runner only: nothing on this machine is configured.
 */
class SetIpInfoTest {
    @TempDir
    Path root;

    /** As hyperv's KvpIpInfo hands the host's strings over: split at ';', nothing else. */
    static IpConfig config(boolean dhcp, String ips, String subnets, String gateways, String dns) {
        return new IpConfig(IntrinsicsFixture.ETH0_ID, 3, dhcp, split(ips), split(subnets), split(gateways), split(dns));
    }

    static List<String> split(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(";"));
    }

    private FakeCommandRunner runner() {
        return new FakeCommandRunner().answer(script(), 0, "");
    }

    private String script() {
        return root.resolve("scripts/hv_set_ifconfig").toString();
    }

    private void assertWritesAsTheDaemon(String fixture, IpConfig c) throws Exception {
        FakeCommandRunner runner = runner();
        IntrinsicsFixture.build(root, runner, SetIpMode.KEYFILE).setIpInfo(c);
        Path hv = root.resolve("hv");
        for (String f : new String[] {"ifcfg-eth0", "eth0.nmconnection"}) {
            byte[] daemon = getClass().getResourceAsStream("/setip/" + fixture + "/" + f).readAllBytes();
            assertEquals(IfcfgWriter.HEADER + new String(daemon, StandardCharsets.UTF_8),
                    Files.readString(hv.resolve(f)), fixture + "/" + f);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hv.resolve(f))), f);
        }
        assertEquals(List.of(List.of(script(), hv.resolve("ifcfg-eth0").toString(), hv.resolve("eth0.nmconnection").toString())),
                runner.calls());
    }

    @Test
    void mixedIpv4AndIpv6InTheirOwnSections() throws Exception {
        assertWritesAsTheDaemon("ipv4-and-ipv6-mixed", config(false, "192.0.2.10;2001:db8::10;192.0.2.11;fe80::10",
                "255.255.255.0;64;255.255.0.0;64", "192.0.2.1;2001:db8::1", "192.0.2.53;2001:db8::53;198.51.100.53"));
    }

    @Test
    void dhcpWithAStaticIpv6() throws Exception {
        assertWritesAsTheDaemon("dhcp-and-a-static-ipv6", config(true, "2001:db8::5", "64", "", ""));
    }

    @Test
    void nothingStaticIsIpv4DisabledAndIpv6Auto() throws Exception {
        assertWritesAsTheDaemon("static-nothing-ipv4-disabled", config(false, "", "", "", ""));
    }

    @Test
    void ipv6Only() throws Exception {
        assertWritesAsTheDaemon("ipv6-only-two-prefixes", config(false, "2001:db8:1::5;2001:db8:2::5", "48;64",
                "2001:db8:1::1", "2001:db8::53"));
    }

    @Test
    void anIpv4MappedAddressStaysIpv6() throws Exception {
        assertWritesAsTheDaemon("ipv4-mapped-ipv6", config(false, "::ffff:192.0.2.7", "96", "::ffff:192.0.2.1", ""));
    }

    @Test
    void listsAreReadAsTheDaemonReadsThem() throws Exception {
        assertWritesAsTheDaemon("an-empty-entry-ends-a-list", config(false, "192.0.2.10;;192.0.2.12",
                "255.255.255.0;;255.255.255.0", "192.0.2.1", ";192.0.2.53"));
        assertWritesAsTheDaemon("trailing-and-leading-spaces", config(false, "192.0.2.10; 192.0.2.11;",
                "255.255.255.0; 255.255.255.128;", "192.0.2.1;", "192.0.2.53; 192.0.2.54;"));
    }

    @Test
    void ifcfgModeWritesOnlyTheIfcfgAndPassesOneArgument() throws Exception {
        FakeCommandRunner runner = runner();
        IpConfig c = config(false, "192.0.2.10;2001:db8::10;192.0.2.11;fe80::10", "255.255.255.0;64;255.255.0.0;64",
                "192.0.2.1;2001:db8::1", "192.0.2.53;2001:db8::53;198.51.100.53");
        IntrinsicsFixture.build(root, runner, SetIpMode.IFCFG).setIpInfo(c);
        Path hv = root.resolve("hv");
        assertEquals(IfcfgWriter.HEADER + new String(getClass().getResourceAsStream("/setip/ipv4-and-ipv6-mixed/ifcfg-eth0")
                .readAllBytes(), StandardCharsets.UTF_8), Files.readString(hv.resolve("ifcfg-eth0")));
        assertFalse(Files.exists(hv.resolve("eth0.nmconnection")));
        assertEquals(List.of(List.of(script(), hv.resolve("ifcfg-eth0").toString())), runner.calls());
        // 6.1 takes any subnet for an IPv4 address; only the keyfile needs a prefix length
        IntrinsicsFixture.build(root, runner, SetIpMode.IFCFG).setIpInfo(config(false, "192.0.2.10", "24", "", ""));
        assertTrue(Files.readString(hv.resolve("ifcfg-eth0")).contains("IPV6NETMASK=24\n"));
    }

    @Test
    void autoPicksTheKeyfileWhereNetworkManagerRunsAndManagesTheInterface() throws Exception {
        IpConfig c = config(false, "192.0.2.10", "255.255.255.0", "192.0.2.1", "192.0.2.53");
        Path hv = root.resolve("hv");
        Path devices = Files.createDirectories(root.resolve("run/NetworkManager/devices"));
        Path nmProc = Files.createDirectories(root.resolve("proc/731"));
        Files.createDirectories(root.resolve("proc/1"));
        Files.writeString(root.resolve("proc/1/comm"), "systemd\n");
        List<Object[]> cases = List.of(
                // device state of eth0 (ifindex 2), NetworkManager's process, expected script arguments
                new Object[] {"# NetworkManager device state file\n[device]\nmanaged=true\nconnection-uuid=1b9c\n", true, 2},
                new Object[] {"[device]\nmanaged=false\n", true, 1},
                new Object[] {"[device]\nmanaged=true\n", false, 1},
                new Object[] {"[other]\nmanaged=true\n[device]\nperm-hw-addr-fake=00:11:22:33:44:55\n", true, 1},
                new Object[] {null, true, 1});
        for (Object[] k : cases) {
            Files.deleteIfExists(devices.resolve("2"));
            Files.deleteIfExists(hv.resolve("eth0.nmconnection"));
            if (k[0] != null) {
                Files.writeString(devices.resolve("2"), (String) k[0]);
            }
            Files.deleteIfExists(nmProc.resolve("comm"));
            if ((Boolean) k[1]) {
                Files.writeString(nmProc.resolve("comm"), "NetworkManager\n");
            }
            FakeCommandRunner runner = runner();
            IntrinsicsFixture.build(root, runner, SetIpMode.AUTO).setIpInfo(c);
            int args = runner.calls().get(0).size() - 1;
            assertEquals(k[2], args, "state " + k[0] + ", NetworkManager running " + k[1]);
            assertEquals(args == 2, Files.exists(hv.resolve("eth0.nmconnection")));
        }
    }

    @Test
    void aRefusedRequestWritesNothingAndRunsNothing() throws Exception {
        FakeCommandRunner runner = runner();
        LinuxKvpIntrinsics k = IntrinsicsFixture.build(root, runner, SetIpMode.KEYFILE);
        k.setIpInfo(config(false, "192.0.2.10", "255.255.255.0", "", ""));
        Path hv = root.resolve("hv");
        String ifcfg = Files.readString(hv.resolve("ifcfg-eth0"));
        String nm = Files.readString(hv.resolve("eth0.nmconnection"));
        for (IpConfig bad : List.of(config(false, "192.0.2.300", "255.255.255.0", "", ""),
                config(false, "192.0.2.10", "255.255.255.0", "", "2001:db8::53::1"),
                config(false, "192.0.2.10", "24", "", ""), // keyfile: no prefix length for an IPv4 address
                config(false, "2001:db8::9", "-1", "", ""))) {
            KvpException e = assertThrows(KvpException.class, () -> k.setIpInfo(bad));
            assertEquals(KvpException.Reason.INVALID_ADDRESS, e.reason(), bad.toString());
        }
        assertEquals(ifcfg, Files.readString(hv.resolve("ifcfg-eth0")));
        assertEquals(nm, Files.readString(hv.resolve("eth0.nmconnection")));
        assertEquals(1, runner.calls().size(), "hv_set_ifconfig ran for the good request only");
        try (var s = Files.list(hv)) {
            assertEquals(List.of("eth0.nmconnection", "ifcfg-eth0"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left");
        }
    }

    @Test
    void aSymlinkInPlaceOfTheKeyfileIsReplacedNotFollowed() throws Exception {
        Path hv = Files.createDirectories(root.resolve("hv"));
        Path victim = Files.writeString(root.resolve("victim"), "keep\n");
        Files.createSymbolicLink(hv.resolve("eth0.nmconnection"), victim);
        Files.writeString(hv.resolve("ifcfg-eth0"), "old\n");
        Files.setPosixFilePermissions(hv.resolve("ifcfg-eth0"), PosixFilePermissions.fromString("rw-rw-rw-"));
        IntrinsicsFixture.build(root, runner(), SetIpMode.KEYFILE).setIpInfo(config(true, "", "", "", ""));
        assertEquals("keep\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(hv.resolve("eth0.nmconnection")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hv.resolve("ifcfg-eth0"))));
    }

    @Test
    void atoiAsGlibc() {
        assertEquals(64, IfcfgWriter.atoi("64"));
        assertEquals(0, IfcfgWriter.atoi("/64"));
        assertEquals(64, IfcfgWriter.atoi(" +64x"));
        assertEquals(-1, IfcfgWriter.atoi("-1"));
        assertEquals(64, IfcfgWriter.atoi("4294967360"), "strtol's long cut to int");
        assertEquals(-1, IfcfgWriter.atoi("99999999999999999999"), "LONG_MAX cut to int");
    }
}
