// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.util.List;
import java.util.Optional;
import org.guestd.accounts.AccountException;
import org.guestd.accounts.Accounts;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-ssh-remove-authorized-keys} (Since: 5.2): {@code {username, keys: [str]}}. Every
 * line equal to one of {@code keys} is removed; a missing file is not an error.
 */
public final class GuestSshRemoveAuthorizedKeys extends BaseCommand {
    public static final String NAME = "guest-ssh-remove-authorized-keys";
    private static final StructSpec ARGS = StructSpec.builder()
            .required("username", ArgType.STR)
            .required("keys", ArgType.listOf(ArgType.STR))
            .build();

    private final Optional<Accounts> accounts;

    GuestSshRemoveAuthorizedKeys(Optional<Accounts> accounts) {
        super(NAME, ARGS);
        this.accounts = accounts;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        Accounts a = UserCommands.feature(accounts);
        List<String> keys = args.getList("keys");
        try {
            a.removeAuthorizedKeys(args.getString("username"), keys);
        } catch (AccountException e) {
            throw UserCommands.reply(e);
        }
        return null;
    }
}
