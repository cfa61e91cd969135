// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.host.hyperv.KvpMessages;
import org.guestd.host.hyperv.KvpReply;
import org.guestd.kvp.intrinsics.IfcfgWriter;
import org.guestd.kvp.intrinsics.LinuxKvpIntrinsics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of SET_IP_INFO with NetworkManager keyfiles: the upstream {@code hv_kvp_daemon}
 * of Debian's linux-source 6.12.95 (built here; it writes {@code ifcfg-IF} and {@code IF.nmconnection},
 * IPv4 and IPv6 in separate sections, and runs {@code hv_set_ifconfig IFCFG NMCONNECTION}) and
 * guestd in keyfile mode, the same requests on two emulator channels. Both see the same fixture
 * adapters (the reference a copy of them on a tmpfs over its /sys/class/net in its own mount
 * namespace; guestd through its sysfs root) and the same recording {@code hv_set_ifconfig}, which
 * changes nothing (the reference's is a fixture script compiled into it; guestd's runner only
 * records). Compared per request: the status, the script's arguments (file names), and both files
 * byte for byte — guestd's after its owner header line, which the 6.12 reference does not write.
 * Deliberate differences, each named: a failed request leaves guestd's files as they were (the
 * reference has already truncated and partly rewritten them), and a keyfile subnet without a prefix
 * length is HV_INVALIDARG (the reference sends its -1 as the status).
 */
class KvpSetIpDifferentialIT {
    static final String ETH0 = "{f8615163-df3e-46c5-913f-f2d2f965ed0e}";
    static final String ETH1 = "{0e4d5fb9-1c2a-4f4b-9d4e-5a6b7c8d9e0f}";

    /**
     * {@code -Dsetip.capture=DIR}: the reference's files of every successful request are saved under
     * {@code DIR/<case>/} (how kvp's src/test/resources/setip fixtures were made).
     */
    static final String CAPTURE = System.getProperty("setip.capture");

    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /** One SET_IP_INFO, the status the script returns, and why the two may differ (null: they must not). */
    record Case(String name, byte[] message, int scriptStatus, String deliberate) {}

    static byte[] set(String adapter, boolean dhcp, String ips, String subnets, String gateways, String dns) {
        return KvpMessages.setIpInfo(adapter, 3, dhcp, ips, subnets, gateways, dns);
    }

    static List<Case> cases() {
        String failed = "a failed request leaves guestd's files as they were; the reference has rewritten them in part";
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("IPv4 static", set(ETH0, false, "192.0.2.10", "255.255.255.0", "192.0.2.1", "192.0.2.53"), 0, null));
        cs.add(new Case("IPv4 and IPv6 mixed", set(ETH0, false, "192.0.2.10;2001:db8::10;192.0.2.11;fe80::10",
                "255.255.255.0;64;255.255.0.0;64", "192.0.2.1;2001:db8::1", "192.0.2.53;2001:db8::53;198.51.100.53"), 0, null));
        cs.add(new Case("DHCP and a static IPv6", set(ETH0, true, "2001:db8::5", "64", "", ""), 0, null));
        cs.add(new Case("DHCP, nothing else", set(ETH0, true, "", "", "", ""), 0, null));
        cs.add(new Case("static, nothing (ipv4 disabled)", set(ETH0, false, "", "", "", ""), 0, null));
        cs.add(new Case("IPv6 only, two prefixes", set(ETH0, false, "2001:db8:1::5;2001:db8:2::5", "48;64",
                "2001:db8:1::1", "2001:db8::53"), 0, null));
        cs.add(new Case("trailing ';' and leading spaces", set(ETH0, false, "192.0.2.10; 192.0.2.11;",
                "255.255.255.0; 255.255.255.128;", "192.0.2.1;", "192.0.2.53; 192.0.2.54;"), 0, null));
        cs.add(new Case("an empty entry ends a list", set(ETH0, false, "192.0.2.10;;192.0.2.12",
                "255.255.255.0;;255.255.255.0", "192.0.2.1", ";192.0.2.53"), 0, null));
        cs.add(new Case("more addresses than subnets", set(ETH0, false, "192.0.2.10;192.0.2.11;2001:db8::7",
                "255.255.255.0", "", ""), 0, null));
        cs.add(new Case("IPv4-mapped IPv6", set(ETH0, false, "::ffff:192.0.2.7", "96", "::ffff:192.0.2.1", ""), 0, null));
        cs.add(new Case("IPv6 prefix written '/64' (atoi: 0)", set(ETH0, false, "2001:db8::9", "/64", "", ""), 0, null));
        cs.add(new Case("IPv6 netmask as an address", set(ETH0, false, "2001:db8::9", "ffff:ffff:ffff:ffff::", "", ""),
                0, null));
        cs.add(new Case("IPv4 non-contiguous mask", set(ETH0, false, "192.0.2.10", "255.0.255.0", "", ""), 0, null));
        cs.add(new Case("DNS only IPv6, gateways of both", set(ETH0, true, "192.0.2.10;2001:db8::10", "255.255.255.0;64",
                "2001:db8::1;192.0.2.1;2001:db8::2", "2001:db8::53;2001:db8::54"), 0, null));
        StringBuilder ips = new StringBuilder();
        StringBuilder masks = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            ips.append(i > 1 ? ";" : "").append("192.0.2.").append(i).append(";2001:db8::").append(Integer.toHexString(i));
            masks.append(i > 1 ? ";" : "").append("255.255.255.").append(i % 2 == 0 ? "0" : "128").append(";").append(56 + i);
        }
        cs.add(new Case("24 addresses", set(ETH0, false, ips.toString(), masks.toString(), "192.0.2.254", "192.0.2.53"), 0, null));
        cs.add(new Case("second adapter, lower-case MAC in sysfs", set(ETH1, false, "198.51.100.5", "255.255.255.0",
                "198.51.100.1", "198.51.100.53"), 0, null));
        cs.add(new Case("hv_set_ifconfig fails", set(ETH0, false, "192.0.2.20", "255.255.255.0", "", ""), 1, null));
        cs.add(new Case("unknown adapter", set("{00000000-0000-0000-0000-000000000000}", false, "192.0.2.10",
                "255.255.255.0", "", ""), 0, null));
        cs.add(new Case("invalid address", set(ETH0, false, "192.0.2.300", "255.255.255.0", "", ""), 0, failed));
        cs.add(new Case("octet with a leading zero", set(ETH0, false, "192.0.2.010", "255.255.255.0", "", ""), 0, failed));
        cs.add(new Case("invalid gateway", set(ETH0, false, "192.0.2.10", "255.255.255.0", "gw", ""), 0, failed));
        cs.add(new Case("invalid DNS server", set(ETH0, false, "192.0.2.10", "255.255.255.0", "", "2001:db8::53::1"), 0, failed));
        cs.add(new Case("IPv4 subnet as a prefix length", set(ETH0, false, "192.0.2.10", "24", "", ""), 0,
                "the reference returns kvp_subnet_to_plen's -1 as the status (0xffffffff), guestd HV_INVALIDARG; " + failed));
        cs.add(new Case("negative IPv6 prefix", set(ETH0, false, "2001:db8::9", "-1", "", ""), 0,
                "the reference returns atoi's -1 as the status, guestd HV_INVALIDARG; " + failed));
        cs.add(new Case("IPv4 static again", set(ETH0, false, "192.0.2.10", "255.255.255.0", "192.0.2.1", "192.0.2.53"), 0, null));
        return cs;
    }

    /** sysfs fixture: two VMBus NICs. */
    static Path sysFixture(Path root) throws Exception {
        String[][] nics = {{"eth0", "00:15:5d:aa:bb:cc", ETH0, "2"}, {"eth1", "00:15:5d:0a:0b:0c", ETH1, "3"}};
        for (String[] n : nics) {
            Path d = Files.createDirectories(root.resolve("sys/class/net/" + n[0] + "/device"));
            Files.writeString(d.getParent().resolve("address"), n[1] + "\n");
            Files.writeString(d.getParent().resolve("ifindex"), n[3] + "\n");
            Files.writeString(d.getParent().resolve("flags"), "0x1003\n");
            Files.writeString(d.resolve("device_id"), n[2] + "\n");
        }
        return root.resolve("sys/class/net");
    }

    @Test
    void guestdWritesTheKeyfilesOfHvKvpDaemon612(@TempDir Path tmp) throws Exception {
        String why = ReferenceKvpDaemon.unavailable612();
        Assumptions.assumeTrue(why == null, why);
        Path fixture = Files.createDirectories(tmp.resolve("fixture"));
        Path net = sysFixture(fixture);
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        Path status = scripts.resolve("status");
        Path calls = scripts.resolve("calls");
        Files.writeString(scripts.resolve("hv_set_ifconfig"), "#!/bin/sh\n# records its arguments; changes nothing\n"
                + "echo \"$#\" \"$@\" >>'" + calls + "'\nexit \"$(cat '" + status + "')\"\n");
        Files.setPosixFilePermissions(scripts.resolve("hv_set_ifconfig"),
                PosixFilePermissions.fromString("rwxr-xr-x"));
        Path daemon = ReferenceKvpDaemon.build612(Files.createDirectories(tmp.resolve("build")), scripts);
        Path shim = ReferenceKvpDaemon.buildShim(tmp);
        Path guestdConfig = Files.createDirectories(tmp.resolve("guestd-config"));
        List<List<String>> guestdCalls = Collections.synchronizedList(new ArrayList<>());
        CommandRunner recording = (argv, stdin, timeout) -> {
            guestdCalls.add(List.copyOf(argv));
            if (!argv.get(0).equals(scripts.resolve("hv_set_ifconfig").toString())) {
                throw AgentException.generic("test runner: not running " + argv.get(0));
            }
            try {
                return new CommandRunner.CommandResult(Integer.parseInt(Files.readString(status).trim()), new byte[0], new byte[0]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        GuestInfo unused = (GuestInfo) Proxy.newProxyInstance(GuestInfo.class.getClassLoader(),
                new Class<?>[] {GuestInfo.class}, (p, m, a) -> {
                    throw new UnsupportedOperationException("SET_IP_INFO reads no guest info");
                });
        LinuxKvpIntrinsics intrinsics = new LinuxKvpIntrinsics(unused, HostPaths.under(fixture), recording, guestdConfig,
                scripts, LinuxKvpIntrinsics.SetIpMode.KEYFILE, () -> "guestd-test", h -> h);
        List<String> table = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        try (ReferenceKvpDaemon ref = ReferenceKvpDaemon.start(daemon, shim, net, tmp.resolve("hv_kvp_daemon.log"));
                KvpSides.Guestd guestd = new KvpSides.Guestd(
                        KvpSides.guestdStore(Files.createDirectories(tmp.resolve("guestd-pools"))), intrinsics)) {
            Path refDir = ref.poolDir();
            for (Case c : cases()) {
                Files.writeString(status, Integer.toString(c.scriptStatus()));
                List<String> refBefore = lines(calls);
                int guestdCallsBefore = guestdCalls.size();
                String iface = c.name().startsWith("second adapter") ? "eth1" : "eth0";
                String[] guestdBefore = files(guestdConfig, iface, false);
                KvpReply r = ref.kernel().request(c.message());
                KvpReply g = guestd.kernel.request(c.message());
                List<String> refCalls = lines(calls).subList(refBefore.size(), lines(calls).size());
                List<String> gCalls = new ArrayList<>();
                for (List<String> argv : guestdCalls.subList(guestdCallsBefore, guestdCalls.size())) {
                    gCalls.add((argv.size() - 1) + argv.subList(1, argv.size()).stream()
                            .map(a -> " " + Path.of(a).getFileName()).reduce("", String::concat));
                }
                List<String> refCallNames = new ArrayList<>();
                for (String line : refCalls) {
                    refCallNames.add(line.replace("/var/lib/hyperv/", ""));
                }
                String[] rf = files(refDir, iface, false);
                String[] gf = files(guestdConfig, iface, true);
                if (CAPTURE != null && r.status() == HvStatus.S_OK) { // the kvp module's byte fixtures
                    Path d = Files.createDirectories(Path.of(CAPTURE).resolve(slug(c.name())));
                    Files.writeString(d.resolve("ifcfg-" + iface), rf[0]);
                    Files.writeString(d.resolve(iface + ".nmconnection"), rf[1]);
                }
                boolean same = r.status() == g.status() && Arrays.equals(rf, gf) && refCallNames.equals(gCalls);
                String verdict;
                if (same) {
                    verdict = "SAME";
                } else if (c.deliberate() != null && r.status() != HvStatus.S_OK && g.status() == HvStatus.INVALIDARG
                        && gCalls.isEmpty() && Arrays.equals(guestdBefore, files(guestdConfig, iface, false))) {
                    verdict = "DELIBERATE";
                } else {
                    verdict = "DIFF";
                    mismatches.add(c.name() + ": reference " + HvStatus.name(r.status()) + " " + refCallNames + "\n"
                            + rf[0] + "\n" + rf[1] + "\n/ guestd " + HvStatus.name(g.status()) + " " + gCalls + "\n"
                            + gf[0] + "\n" + gf[1]);
                }
                table.add(String.format("%-40s %-10s ref %-14s guestd %-14s %s", c.name(), verdict,
                        HvStatus.name(r.status()), HvStatus.name(g.status()), verdict.equals("DELIBERATE") ? c.deliberate() : ""));
            }
            assertTrue(ref.isAlive(), "the reference survived the script");
            assertTrue(lines(calls).stream().allMatch(l -> l.startsWith("2 /var/lib/hyperv/ifcfg-eth")),
                    "the reference ran hv_set_ifconfig with both files every time: " + lines(calls));
        }
        System.out.println("SET_IP_INFO keyfile differential (hv_kvp_daemon 6.12.95), " + cases().size() + " requests:\n"
                + String.join("\n", table));
        assertEquals(List.of(), mismatches);
        for (String f : new String[] {"ifcfg-eth0", "eth0.nmconnection"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(guestdConfig.resolve(f))), f);
        }
    }

    /** {ifcfg, keyfile} of {@code iface} in {@code dir} ("" when missing); guestd's without its header. */
    static String[] files(Path dir, String iface, boolean guestd) throws Exception {
        String[] out = new String[2];
        Path[] ps = {dir.resolve("ifcfg-" + iface), dir.resolve(iface + ".nmconnection")};
        for (int i = 0; i < 2; i++) {
            String s = Files.exists(ps[i]) ? Files.readString(ps[i]) : "";
            if (guestd && !s.isEmpty()) {
                assertTrue(s.startsWith(IfcfgWriter.HEADER), ps[i] + " starts with the owner header");
                s = s.substring(IfcfgWriter.HEADER.length());
            }
            out[i] = s;
        }
        return out;
    }

    private static List<String> lines(Path p) throws Exception {
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }

}
