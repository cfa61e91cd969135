// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.util.List;
import org.guestd.qga.command.CommandDeps;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The user-account group: guest-set-user-password and guest-ssh-get/add/remove-authorized-keys.
 * Users are looked up under {@code deps.paths().etc()} (NSS on the live /etc); chpasswd runs through
 * the injected {@code CommandRunner}.
 */
public final class UserCommands {
    private UserCommands() {}

    /** The four commands. */
    public static List<QgaCommand> all(CommandDeps deps) {
        java.util.function.Supplier<UserDb> users = () -> new UserDb(deps.paths().etc());
        return List.of(
                new GuestSetUserPassword(deps::commands),
                new GuestSshGetAuthorizedKeys(users),
                new GuestSshAddAuthorizedKeys(users),
                new GuestSshRemoveAuthorizedKeys(users));
    }
}
