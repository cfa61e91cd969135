// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.util.List;
import java.util.Optional;
import org.guestd.accounts.AccountException;
import org.guestd.accounts.Accounts;
import org.guestd.core.AgentException;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The user-account group: guest-set-user-password and guest-ssh-get/add/remove-authorized-keys,
 * over the accounts feature ({@link Accounts}); without it every one answers QERR_UNSUPPORTED.
 */
public final class UserCommands {
    private UserCommands() {}

    /** The four commands. */
    public static List<QgaCommand> all(Optional<Accounts> accounts) {
        return List.of(
                new GuestSetUserPassword(accounts),
                new GuestSshGetAuthorizedKeys(accounts),
                new GuestSshAddAuthorizedKeys(accounts),
                new GuestSshRemoveAuthorizedKeys(accounts));
    }

    static Accounts feature(Optional<Accounts> accounts) throws AgentException {
        return accounts.orElseThrow(AgentException::unsupported);
    }

    /**
     * An account failure as qemu-ga 7.2 words it. The lookup, key and file texts are already
     * qemu-ga's; the password ones are qemu-ga's own phrases (it names {@code passwd} although it
     * runs chpasswd).
     */
    static AgentException reply(AccountException e) {
        String text = switch (e.kind()) {
            case INVALID_PASSWORD -> "forbidden characters in raw password";
            case INVALID_USER_NAME -> "forbidden characters in username";
            case PASSWORD_TOOL_MISSING -> "cannot find 'passwd' program in PATH";
            case PASSWORD_TOOL_FAILED -> "child process has failed to set user password";
            case NO_SUCH_USER, INVALID_KEY, IO -> e.getMessage();
        };
        return AgentException.generic(text, e);
    }
}
