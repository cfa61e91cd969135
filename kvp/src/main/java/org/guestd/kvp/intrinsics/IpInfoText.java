// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp.intrinsics;

import java.util.List;
import org.guestd.kvp.KvpIntrinsics.IpConfig;

/**
 * The strings hv_kvp_daemon puts into {@code struct hv_kvp_ipaddr_value} for GET_IP_INFO, from an
 * {@link IpConfig}: addresses and subnets joined with ";" (no trailing one), gateways and DNS
 * servers each followed by ";" (the daemon's {@code kvp_process_ipconfig_file} appends one per
 * line), with the daemon's capacity checks (a gateway needs 16 (IPv4) / 46 bytes free of 1024, a
 * DNS server 16 of 2048, an address 16/46 + 2 of 2048).
 */
public final class IpInfoText {
    private IpInfoText() {}

    /** ip_addr. */
    public static String addresses(IpConfig c) {
        return joinAddresses(c.ipAddresses());
    }

    /** sub_net. */
    public static String subnets(IpConfig c) {
        return String.join(";", c.subnets());
    }

    /** gate_way. */
    public static String gateways(IpConfig c) {
        StringBuilder sb = new StringBuilder();
        for (String g : c.gateways()) {
            int element = g.contains(":") ? 46 : 16;
            if (1024 < sb.length() + element + 1) {
                break;
            }
            sb.append(g).append(';');
        }
        return sb.toString();
    }

    /** dns_addr. */
    public static String dnsServers(IpConfig c) {
        StringBuilder sb = new StringBuilder();
        for (String d : c.dnsServers()) {
            if (2048 < sb.length() + 16 + 1) {
                break;
            }
            sb.append(d).append(';');
        }
        return sb.toString();
    }

    /** Addresses joined the daemon's way with its {@code (length - offset) < addr_length + 2} stop. */
    static String joinAddresses(List<String> addrs) {
        StringBuilder sb = new StringBuilder();
        int offset = 0;
        for (String a : addrs) {
            int need = (a.contains(":") ? 46 : 16) + 2;
            if (2048 - offset < need) {
                break;
            }
            if (offset > 0) {
                sb.append(';');
            }
            sb.append(a);
            offset += a.length() + 1;
        }
        return sb.toString();
    }
}
