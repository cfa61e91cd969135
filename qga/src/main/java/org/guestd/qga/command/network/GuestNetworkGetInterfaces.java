// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-network-get-interfaces} (Since: 1.1): [GuestNetworkInterface {@code {name,
 * hardware-address?, ip-addresses?: [GuestIpAddress {ip-address, ip-address-type, prefix}],
 * statistics? (2.11)}}].
 *
 * <p>Presence rules of qemu-ga's {@code qmp_guest_network_get_interfaces}: {@code
 * hardware-address} when the MAC could be read; {@code ip-addresses} only when the interface has
 * at least one address; {@code statistics} is read only after an address was added, so it too
 * appears only on interfaces with addresses (and when the kernel has counters).
 */
public final class GuestNetworkGetInterfaces extends BaseCommand {
    public static final String NAME = "guest-network-get-interfaces";
    public static final String IF_NAME = "name";
    public static final String HARDWARE_ADDRESS = "hardware-address";
    public static final String IP_ADDRESSES = "ip-addresses";
    public static final String STATISTICS = "statistics";
    public static final String IP_ADDRESS = "ip-address";
    public static final String IP_ADDRESS_TYPE = "ip-address-type";
    public static final String PREFIX = "prefix";
    public static final String IPV4 = "ipv4";
    public static final String IPV6 = "ipv6";

    private final GuestInfo info;

    public GuestNetworkGetInterfaces(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.NetInterface nic : info.interfaces()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(IF_NAME, nic.name());
            Wire.putOptional(m, HARDWARE_ADDRESS, nic.hardwareAddress());
            List<GuestInfo.IpAddress> addrs = nic.addresses() == null ? List.of() : nic.addresses();
            if (!addrs.isEmpty()) {
                List<Object> ips = new ArrayList<>();
                for (GuestInfo.IpAddress a : addrs) {
                    Map<String, Object> ip = new LinkedHashMap<>();
                    ip.put(IP_ADDRESS, a.text());
                    ip.put(IP_ADDRESS_TYPE, a.isIpv6() ? IPV6 : IPV4);
                    ip.put(PREFIX, (long) a.prefix());
                    ips.add(ip);
                }
                m.put(IP_ADDRESSES, ips);
                if (nic.stats() != null) {
                    m.put(STATISTICS, statistics(nic.stats()));
                }
            }
            out.add(m);
        }
        return out;
    }

    /** GuestNetworkInterfaceStat (Since: 2.11), all uint64. */
    private static Map<String, Object> statistics(GuestInfo.NetStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rx-bytes", Wire.u64(s.rxBytes()));
        m.put("rx-packets", Wire.u64(s.rxPackets()));
        m.put("rx-errs", Wire.u64(s.rxErrs()));
        m.put("rx-dropped", Wire.u64(s.rxDropped()));
        m.put("tx-bytes", Wire.u64(s.txBytes()));
        m.put("tx-packets", Wire.u64(s.txPackets()));
        m.put("tx-errs", Wire.u64(s.txErrs()));
        m.put("tx-dropped", Wire.u64(s.txDropped()));
        return m;
    }
}
