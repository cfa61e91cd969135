// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpException.Reason;
import org.guestd.kvp.KvpIntrinsics.IpConfig;

/**
 * The files hv_kvp_daemon writes for SET_IP_INFO before it runs {@code hv_set_ifconfig}: the
 * ifcfg-style {@code ifcfg-IF} (6.1, one script argument) and the NetworkManager keyfile
 * {@code IF.nmconnection} (upstream since 6.6, second argument). Same keys, same numbering:
 * IPADDR0…, NETMASK0…, GATEWAY then GATEWAY1…, DNS1…; IPv6 addresses expanded to eight 4-digit
 * groups as IPV6ADDR, IPV6ADDR_1…, IPV6NETMASK…, IPV6_DEFAULTGW…. A list ends at its first empty
 * entry (the daemon's parse loop). An unparsable address is HV_INVALIDARG; so is an IPv6 subnet
 * that is not a prefix length (the reference would write it verbatim; found by SetIpInfoFuzzTest).
 */
public final class IfcfgWriter {
    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /**
     * An IPv6 subnet given as a prefix length ({@code 64} or {@code /64}). The reference writes any
     * other non-IPv4 subnet string verbatim as IPV6NETMASK; the file is sourced by a shell script,
     * so a newline in it would be a command. guestd refuses it as an unparsable address instead.
     */
    private static final Pattern PREFIX = Pattern.compile("/?\\d{1,3}");

    private IfcfgWriter() {}

    private enum Type { IPADDR, NETMASK, GATEWAY, DNS }

    /** The ifcfg file's text. */
    public static String ifcfg(String ifname, String macUpper, IpConfig c) throws KvpException {
        StringBuilder sb = new StringBuilder();
        line(sb, "HWADDR", macUpper);
        line(sb, "DEVICE", ifname);
        line(sb, "BOOTPROTO", c.dhcpEnabled() ? "dhcp" : "none");
        section(sb, c.ipAddresses(), Type.IPADDR);
        section(sb, c.subnets(), Type.NETMASK);
        section(sb, c.gateways(), Type.GATEWAY);
        section(sb, c.dnsServers(), Type.DNS);
        return sb.toString();
    }

    /** The NetworkManager keyfile's text (upstream hv_kvp_daemon's layout). */
    public static String keyfile(String ifname, String macUpper, IpConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n[connection]\n");
        line(sb, "interface-name", ifname);
        sb.append("\n[ethernet]\n");
        line(sb, "mac-address", macUpper);
        for (boolean v6 : new boolean[] {false, true}) {
            sb.append(v6 ? "\n[ipv6]\n" : "\n[ipv4]\n");
            List<String> ips = entries(c.ipAddresses());
            List<String> masks = entries(c.subnets());
            int n = 0;
            for (int k = 0; k < Math.min(ips.size(), masks.size()); k++) {
                String ip = ips.get(k);
                boolean isV6 = parse(ip) instanceof Inet6Address;
                boolean isV4 = parse(ip) instanceof Inet4Address;
                if ((v6 && isV6) || (!v6 && isV4)) {
                    int plen = v6 ? atoi(masks.get(k)) : v4PrefixLength(masks.get(k));
                    if (plen < 0) {
                        continue;
                    }
                    sb.append("address").append(++n).append('=').append(ip).append('/').append(plen).append('\n');
                }
            }
            String method = v6 ? (n > 0 ? "manual" : "auto")
                    : c.dhcpEnabled() ? "auto" : n > 0 ? "manual" : "disabled";
            line(sb, "method", method);
            joinFamily(sb, "gateway", c.gateways(), v6);
            joinFamily(sb, "dns", c.dnsServers(), v6);
        }
        return sb.toString();
    }

    private static void joinFamily(StringBuilder sb, String name, List<String> list, boolean v6) {
        List<String> picked = new ArrayList<>();
        for (String a : entries(list)) {
            InetAddress ia = parse(a);
            if ((v6 && ia instanceof Inet6Address) || (!v6 && ia instanceof Inet4Address)) {
                picked.add(a);
            }
        }
        if (!picked.isEmpty()) {
            line(sb, name, String.join(",", picked));
        }
    }

    private static void section(StringBuilder sb, List<String> list, Type type) throws KvpException {
        int i = 0;
        int j = 0;
        for (String a : entries(list)) {
            String name;
            String sub = "";
            String value = a;
            if (parse(a) instanceof Inet4Address) {
                name = type.name();
                if (type == Type.DNS) {
                    sub = Integer.toString(++i);
                } else if (type == Type.GATEWAY && i == 0) {
                    ++i;
                } else {
                    sub = Integer.toString(i++);
                }
            } else if (parse(a) instanceof Inet6Address || (type == Type.NETMASK && PREFIX.matcher(a).matches())) {
                InetAddress v6 = parse(a);
                if (v6 instanceof Inet6Address) {
                    value = expand(v6.getAddress());
                }
                name = switch (type) {
                    case IPADDR -> "IPV6ADDR";
                    case NETMASK -> "IPV6NETMASK";
                    case GATEWAY -> "IPV6_DEFAULTGW";
                    case DNS -> "DNS";
                };
                if (type == Type.DNS) {
                    sub = Integer.toString(++i);
                } else if (j == 0) {
                    ++j;
                } else {
                    sub = "_" + j++;
                }
            } else {
                throw new KvpException(Reason.INVALID_ADDRESS, "not an IP address: " + a, null);
            }
            line(sb, name + sub, value);
        }
    }

    /** The entries before the first empty one, leading spaces removed (parse_ip_val_buffer). */
    static List<String> entries(List<String> list) {
        List<String> out = new ArrayList<>();
        for (String s : list) {
            if (s.isEmpty()) {
                break;
            }
            out.add(s.replaceFirst("^ +", ""));
        }
        return out;
    }

    /** inet_pton of either family, or null (never a DNS lookup). */
    static InetAddress parse(String s) {
        try {
            if (V4.matcher(s).matches()) {
                for (String part : s.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        return null;
                    }
                }
                return InetAddress.getByName(s);
            }
            if (s.contains(":") && s.matches("[0-9A-Fa-f:.]+")) {
                return InetAddress.getByName(s);
            }
        } catch (java.net.UnknownHostException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static String expand(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 16; k += 2) {
            if (k > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02x%02x", b[k] & 0xff, b[k + 1] & 0xff));
        }
        return sb.toString();
    }

    private static int v4PrefixLength(String mask) {
        InetAddress m = parse(mask);
        if (!(m instanceof Inet4Address)) {
            return -1;
        }
        byte[] b = m.getAddress();
        int v = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int plen = 0;
        while ((v & 0x80000000) != 0) {
            plen++;
            v <<= 1;
        }
        return plen;
    }

    private static int atoi(String s) {
        int k = 0;
        while (k < s.length() && Character.isDigit(s.charAt(k))) {
            k++;
        }
        return k == 0 ? 0 : Integer.parseInt(s.substring(0, Math.min(k, 9)));
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append('=').append(value).append('\n');
    }
}
