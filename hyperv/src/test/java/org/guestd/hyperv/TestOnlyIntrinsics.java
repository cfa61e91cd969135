// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;

/**
 * TEST ONLY — a stand-in for the kvp module's intrinsics until it is merged, computed the quick way
 * (hostname -f, uname, ip -o addr, ip route, the hyperv-daemons scripts) so that the differential
 * test can already exercise the auto pool and GET_IP_INFO paths of the protocol. Swap in
 * {@link KvpSides#guestdIntrinsics}.
 */
final class TestOnlyIntrinsics implements KvpIntrinsics {
    static final String VERSION = "guestd-test-only";

    @Override
    public List<KvpStore.Entry> autoPool() {
        String release = run("uname", "-r").trim();
        String[][] items = {
            {"FullyQualifiedDomainName", run("hostname", "-f").trim()},
            {"IntegrationServicesVersion", VERSION},
            {"NetworkAddressIPv4", String.join(";", addresses("-4", null))},
            {"NetworkAddressIPv6", String.join(";", addresses("-6", null))},
            {"OSBuildNumber", release},
            {"OSName", osRelease("NAME", run("uname", "-s").trim())},
            {"OSMajorVersion", osRelease("VERSION_ID", "")},
            {"OSMinorVersion", ""},
            {"OSVersion", release.contains("-") ? release.substring(0, release.indexOf('-')) : release},
            {"ProcessorArchitecture", run("uname", "-m").trim()},
        };
        List<KvpStore.Entry> out = new ArrayList<>();
        for (String[] kv : items) {
            out.add(new KvpStore.Entry(kv[0].getBytes(StandardCharsets.UTF_8), kv[1].getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Override
    public Optional<IpConfig> ipInfo(String mac) throws KvpException {
        try (Stream<Path> ifs = Files.list(Path.of("/sys/class/net"))) {
            for (Path dev : ifs.sorted().toList()) {
                String addr = Files.readString(dev.resolve("address")).trim().toUpperCase(Locale.ROOT);
                String name = dev.getFileName().toString();
                if (!addr.equals(mac)) {
                    continue;
                }
                List<String> v4 = addresses("-4", name);
                List<String> v6 = addresses("-6", name);
                if (v4.isEmpty() && v6.isEmpty()) {
                    // the reference answers HV_S_OK with every field empty for a NIC without addresses
                    return Optional.of(new IpConfig(mac, 0, false, List.of(), List.of(), List.of(), List.of()));
                }
                List<String> ips = new ArrayList<>();
                List<String> masks = new ArrayList<>();
                for (String line : run("ip", "-o", "-4", "addr", "show", "dev", name).split("\n")) {
                    cidr(line).ifPresent(c -> {
                        ips.add(c[0]);
                        masks.add(netmask(Integer.parseInt(c[1])));
                    });
                }
                for (String line : run("ip", "-o", "-6", "addr", "show", "dev", name).split("\n")) {
                    cidr(line).ifPresent(c -> {
                        ips.add(c[0]);
                        masks.add("/" + c[1]);
                    });
                }
                List<String> gws = new ArrayList<>();
                gws.addAll(defaults(run("ip", "route", "show", "dev", name)));
                gws.addAll(defaults(run("ip", "-f", "inet6", "route", "show", "dev", name)));
                List<String> dns = lines(run("/usr/libexec/hypervkvpd/hv_get_dns_info"));
                boolean dhcp = run("/usr/libexec/hypervkvpd/hv_get_dhcp_info", name).startsWith("Enabled");
                int family = (v4.isEmpty() ? 0 : 1) | (v6.isEmpty() ? 0 : 2);
                return Optional.of(new IpConfig(mac, family, dhcp, ips, masks, gws, dns));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new KvpException(e.getMessage(), e);
        }
    }

    @Override
    public void setIpInfo(IpConfig config) throws KvpException {
        throw new KvpException("SET_IP_INFO is not supported by the test-only intrinsics");
    }

    private static Optional<String[]> cidr(String ipOneLine) {
        String[] f = ipOneLine.trim().split("\\s+");
        for (int i = 0; i + 1 < f.length; i++) {
            if (f[i].equals("inet") || f[i].equals("inet6")) {
                return Optional.of(f[i + 1].split("/"));
            }
        }
        return Optional.empty();
    }

    private static List<String> addresses(String family, String dev) {
        List<String> out = new ArrayList<>();
        String text = dev == null ? run("ip", "-o", family, "addr", "show") : run("ip", "-o", family, "addr", "show", "dev", dev);
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1 && !f[1].equals("lo")) {
                cidr(line).ifPresent(c -> out.add(c[0]));
            }
        }
        return out;
    }

    private static String netmask(int bits) {
        long m = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return (m >> 24 & 255) + "." + (m >> 16 & 255) + "." + (m >> 8 & 255) + "." + (m & 255);
    }

    private static List<String> defaults(String routes) {
        List<String> out = new ArrayList<>();
        for (String line : routes.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (line.contains("default") && f.length > 2) {
                out.add(f[2]);
            }
        }
        return out;
    }

    private static List<String> lines(String s) {
        return s.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private static String osRelease(String key, String dflt) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return dflt;
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
