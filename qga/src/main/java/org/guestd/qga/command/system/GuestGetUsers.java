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
 * {@code guest-get-users} (Since: 2.10): [GuestUser {@code {user: str, login-time: number,
 * domain?: str}}]; {@code domain} is Windows-only and never sent here.
 */
public final class GuestGetUsers extends BaseCommand {
    public static final String NAME = "guest-get-users";
    public static final String USER = "user";
    public static final String LOGIN_TIME = "login-time";

    private final GuestInfo info;

    public GuestGetUsers(GuestInfo info) {
        super(NAME);
        this.info = info;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> out = new ArrayList<>();
        for (GuestInfo.LoginUser u : info.users()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(USER, u.user());
            m.put(LOGIN_TIME, u.loginTime());
            out.add(m);
        }
        return out;
    }
}
