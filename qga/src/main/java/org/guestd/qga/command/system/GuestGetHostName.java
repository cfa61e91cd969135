// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/** {@code guest-get-host-name} (Since: 2.10): GuestHostName {@code {host-name: str}}. */
public final class GuestGetHostName extends BaseCommand {
    public static final String NAME = "guest-get-host-name";
    public static final String HOST_NAME = "host-name";

    private final GuestInfo info;

    public GuestGetHostName(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(HOST_NAME, info.hostName());
        return m;
    }
}
