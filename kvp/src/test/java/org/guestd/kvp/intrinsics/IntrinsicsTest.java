// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics.IpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntrinsicsTest {
    @TempDir
    Path root;

    private LinuxKvpIntrinsics intrinsics() throws Exception {
        return IntrinsicsFixture.build(root, new FakeCommandRunner().answer(root.resolve("scripts/hv_set_ifconfig").toString(), 0, ""),
                LinuxKvpIntrinsics.SetIpMode.IFCFG);
    }

    @Test
    void autoPoolInTheDaemonsOrderAndFormat() throws Exception {
        String pool = intrinsics().autoPool().stream().map(e -> e.keyText() + "=" + e.valueText())
                .collect(Collectors.joining("\n"));
        assertEquals(String.join("\n",
                "FullyQualifiedDomainName=vm1.example.com",
                "IntegrationServicesVersion=guestd-0.1.0",
                "NetworkAddressIPv4=10.0.0.5;10.0.1.5",
                "NetworkAddressIPv6=fd00::5;fe80::215:5dff:feaa:bbcc",
                "OSBuildNumber=6.1.0-37-amd64",
                "OSName=Debian GNU/Linux",
                "OSMajorVersion=12",
                "OSMinorVersion=",
                "OSVersion=6.1.0",
                "ProcessorArchitecture=x86_64"), pool);
    }

    @Test
    void ipInfoByUpperCaseMac() throws Exception {
        IpConfig c = intrinsics().ipInfo("00:15:5D:AA:BB:CC").orElseThrow();
        assertEquals(3, c.addressFamily());
        assertEquals("10.0.0.5;10.0.1.5;fd00::5;fe80::215:5dff:feaa:bbcc", IpInfoText.addresses(c));
        assertEquals("255.255.255.0;255.255.0.0;/64;/64", IpInfoText.subnets(c));
        assertEquals("10.0.0.1;fe80::1;", IpInfoText.gateways(c));
        assertEquals("10.0.0.53;fd00::53;", IpInfoText.dnsServers(c));
        assertEquals(true, intrinsics().ipInfo("00:15:5d:aa:bb:cc").isEmpty(), "the daemon compares upper case");
    }

    @Test
    void aLinkWithoutAddressesAnswersEmptyFieldsAndIsSkippedForAnotherWithTheSameMac() throws Exception {
        IpConfig ifb = intrinsics().ipInfo("9A:AD:E7:AD:F6:EF").orElseThrow();
        assertEquals(0, ifb.addressFamily());
        assertEquals(List.of(), ifb.ipAddresses());
        assertEquals(List.of(), ifb.gateways());
        assertEquals(List.of(), ifb.dnsServers());
        // vf0 shares eth0's MAC but has no address: eth0 answers whichever comes first in the directory
        assertEquals("10.0.0.5;10.0.1.5;fd00::5;fe80::215:5dff:feaa:bbcc",
                IpInfoText.addresses(intrinsics().ipInfo("00:15:5D:AA:BB:CC").orElseThrow()));
    }

    @Test
    void setIpInfoWritesIfcfgAndRunsTheScript() throws Exception {
        LinuxKvpIntrinsics k = intrinsics();
        k.setIpInfo(new IpConfig("{f8615163-df3e-46c5-913f-f2d2f965ed0e}", 3, false,
                List.of("10.1.1.5", "10.1.1.6", "fd00::7"), List.of("255.255.255.0", "255.255.255.0", "64"),
                List.of("10.1.1.1", "10.1.1.2"), List.of("10.1.1.53", "")));
        assertEquals(IfcfgWriter.HEADER + String.join("\n", "HWADDR=00:15:5D:AA:BB:CC", "DEVICE=eth0", "BOOTPROTO=none",
                "IPADDR0=10.1.1.5", "IPADDR1=10.1.1.6", "IPV6ADDR=fd00:0000:0000:0000:0000:0000:0000:0007",
                "NETMASK0=255.255.255.0", "NETMASK1=255.255.255.0", "IPV6NETMASK=64",
                "GATEWAY=10.1.1.1", "GATEWAY1=10.1.1.2", "DNS1=10.1.1.53", ""),
                Files.readString(root.resolve("hv/ifcfg-eth0")));
        KvpException e = assertThrows(KvpException.class, () -> k.setIpInfo(new IpConfig("{nope}", 1, true,
                List.of(), List.of(), List.of(), List.of())));
        assertEquals(KvpException.Reason.ADAPTER_NOT_FOUND, e.reason());
        e = assertThrows(KvpException.class, () -> k.setIpInfo(new IpConfig("{f8615163-df3e-46c5-913f-f2d2f965ed0e}",
                1, false, List.of("10.1.1.300"), List.of(), List.of(), List.of())));
        assertEquals(KvpException.Reason.INVALID_ADDRESS, e.reason());
    }

    /**
     * Found by SetIpInfoFuzzTest: the reference writes any non-IPv4 subnet verbatim as IPV6NETMASK
     * into a file a shell script sources; a host string with a newline would add a command. Only a
     * prefix length (64, /64) or an address is written; anything else is HV_INVALIDARG.
     */
    @Test
    void anIpv6SubnetThatIsNotAPrefixLengthIsRefused() throws Exception {
        for (String subnet : List.of("64\nrm -rf /", "%\f0", "64; reboot", "abc", "/1000")) {
            KvpException e = assertThrows(KvpException.class, () -> IfcfgWriter.ifcfg("eth0", "00:15:5D:AA:BB:CC",
                    new IpConfig("{x}", 2, false, List.of("fd00::7"), List.of(subnet), List.of(), List.of())), subnet);
            assertEquals(KvpException.Reason.INVALID_ADDRESS, e.reason(), subnet);
        }
        for (String subnet : List.of("64", "/64", "128", "fd00::")) {
            String text = IfcfgWriter.ifcfg("eth0", "00:15:5D:AA:BB:CC",
                    new IpConfig("{x}", 2, false, List.of("fd00::7"), List.of(subnet), List.of(), List.of()));
            assertTrue(text.lines().anyMatch(l -> l.startsWith("IPV6NETMASK=")), text);
        }
    }
}
