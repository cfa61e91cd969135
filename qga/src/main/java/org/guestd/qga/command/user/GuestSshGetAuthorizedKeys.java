// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.accounts.AccountException;
import org.guestd.accounts.Accounts;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-ssh-get-authorized-keys} (Since: 5.2): {@code {username: str}} → {@code {keys:
 * [str]}}. Lines are stripped; empty and {@code #} lines skipped. qemu-ga prepends each key to its
 * list, so the keys come back in <em>reverse</em> file order; guestd does the same.
 */
public final class GuestSshGetAuthorizedKeys extends BaseCommand {
    public static final String NAME = "guest-ssh-get-authorized-keys";
    static final StructSpec USERNAME_ONLY = StructSpec.builder().required("username", ArgType.STR).build();

    private final Optional<Accounts> accounts;

    GuestSshGetAuthorizedKeys(Optional<Accounts> accounts) {
        super(NAME, USERNAME_ONLY);
        this.accounts = accounts;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        Accounts a = UserCommands.feature(accounts);
        List<String> keys;
        try {
            keys = new ArrayList<>(a.authorizedKeys(args.getString("username")));
        } catch (AccountException e) {
            throw UserCommands.reply(e);
        }
        Collections.reverse(keys);
        return Map.of("keys", keys);
    }
}
