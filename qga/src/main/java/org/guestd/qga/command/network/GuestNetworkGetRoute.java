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
 * {@code guest-network-get-route} (Since: 9.1, Linux; not in qemu-ga 7.2): [GuestNetworkRoute
 * {@code {iface, destination: str, metric: int, gateway?, mask?: str, irtt?: int, flags?: uint64,
 * refcnt?, use?, window?, mtu?: int, desprefixlen?, source?, srcprefixlen?, nexthop?: str,
 * version: int}}]: IPv4 routes carry gateway/mask/irtt/window/mtu, IPv6 routes the prefix lengths,
 * source and next hop.
 */
public final class GuestNetworkGetRoute extends BaseCommand {
    public static final String NAME = "guest-network-get-route";

    private final GuestInfo info;

    public GuestNetworkGetRoute(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.Route r : info.routes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("iface", r.iface());
            m.put("destination", r.destination());
            m.put("metric", r.metric());
            Wire.putOptional(m, "gateway", r.gateway());
            Wire.putOptional(m, "mask", r.mask());
            Wire.putOptional(m, "irtt", r.irtt());
            if (r.flags() != null) {
                m.put("flags", Wire.u64(r.flags()));
            }
            Wire.putOptional(m, "refcnt", r.refcnt());
            Wire.putOptional(m, "use", r.use());
            Wire.putOptional(m, "window", r.window());
            Wire.putOptional(m, "mtu", r.mtu());
            Wire.putOptional(m, "desprefixlen", r.destinationPrefixLength());
            Wire.putOptional(m, "source", r.source());
            Wire.putOptional(m, "srcprefixlen", r.sourcePrefixLength());
            Wire.putOptional(m, "nexthop", r.nextHop());
            m.put("version", (long) r.version());
            out.add(m);
        }
        return out;
    }
}
