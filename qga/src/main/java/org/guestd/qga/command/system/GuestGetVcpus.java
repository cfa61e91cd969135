// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code guest-get-vcpus} (Since: 1.5): [GuestLogicalProcessor {@code {logical-id: int, online:
 * bool, can-offline?: bool}}]; qemu-ga on Linux always fills in can-offline.
 */
public final class GuestGetVcpus extends BaseCommand {
    public static final String NAME = "guest-get-vcpus";
    public static final String LOGICAL_ID = "logical-id";
    public static final String ONLINE = "online";
    public static final String CAN_OFFLINE = "can-offline";

    private final GuestInfo info;

    public GuestGetVcpus(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.Vcpu c : info.vcpus()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(LOGICAL_ID, (long) c.logicalId());
            m.put(ONLINE, c.online());
            m.put(CAN_OFFLINE, c.canOffline());
            out.add(m);
        }
        return out;
    }
}
