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
 * {@code guest-ssh-add-authorized-keys} (Since: 5.2; {@code reset} 5.2 too): {@code {username,
 * keys: [str], reset?: bool}}. Keys already present are not added again; with {@code reset} the
 * file is replaced by {@code keys}. The keys are checked before the user is looked up.
 */
public final class GuestSshAddAuthorizedKeys extends BaseCommand {
    public static final String NAME = "guest-ssh-add-authorized-keys";
    private static final StructSpec ARGS = StructSpec.builder()
            .required("username", ArgType.STR)
            .required("keys", ArgType.listOf(ArgType.STR))
            .optional("reset", ArgType.BOOL)
            .build();

    private final Optional<Accounts> accounts;

    GuestSshAddAuthorizedKeys(Optional<Accounts> accounts) {
        super(NAME, ARGS);
        this.accounts = accounts;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        Accounts a = UserCommands.feature(accounts);
        List<String> keys = args.getList("keys");
        try {
            a.addAuthorizedKeys(args.getString("username"), keys, Boolean.TRUE.equals(args.optBoolean("reset")));
        } catch (AccountException e) {
            throw UserCommands.reply(e);
        }
        return null;
    }
}
