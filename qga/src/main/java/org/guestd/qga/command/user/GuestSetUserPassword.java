// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.util.Arrays;
import java.util.Optional;
import org.guestd.accounts.AccountException;
import org.guestd.accounts.Accounts;
import org.guestd.core.AgentException;
import org.guestd.qga.command.QBase64;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-set-user-password} (Since: 2.3): {@code {username: str, password: str (base64),
 * crypted: bool}}. As qemu-ga on Linux: the password is base64-decoded (qemu's checks) and, being
 * a C string there, ends at its first NUL; the accounts feature then refuses a newline in it
 * ("forbidden characters in raw password") or a newline or colon in the user name ("forbidden
 * characters in username") and pipes {@code USER:PASSWORD\n} to {@code chpasswd} ({@code -e} when
 * {@code crypted}). A non-zero exit answers "child process has failed to set user password"; a
 * chpasswd that cannot be started "cannot find 'passwd' program in PATH" (qemu 7.2's text).
 */
public final class GuestSetUserPassword extends BaseCommand {
    public static final String NAME = "guest-set-user-password";
    private static final StructSpec ARGS = StructSpec.builder()
            .required("username", ArgType.STR)
            .required("password", ArgType.STR)
            .required("crypted", ArgType.BOOL)
            .build();

    private final Optional<Accounts> accounts;

    GuestSetUserPassword(Optional<Accounts> accounts) {
        super(NAME, ARGS);
        this.accounts = accounts;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        Accounts a = UserCommands.feature(accounts);
        String username = args.getString("username");
        byte[] raw = QBase64.decode(args.getString("password"));
        int len = 0;
        while (len < raw.length && raw[len] != 0) {
            len++;
        }
        try {
            a.setPassword(username, Arrays.copyOf(raw, len), args.getBoolean("crypted"));
        } catch (AccountException e) {
            throw UserCommands.reply(e);
        }
        return null;
    }
}
