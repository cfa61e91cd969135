// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.util.List;
import java.util.function.Supplier;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.qga.dispatch.QgaCommand;

/**
 * The user-account group: guest-set-user-password and guest-ssh-get/add/remove-authorized-keys.
 * Users are looked up under {@code paths.etc()} (NSS on the live /etc); chpasswd runs through
 * the injected {@code CommandRunner}.
 */
public final class UserCommands {
    private UserCommands() {}

    /** The four commands. */
    public static List<QgaCommand> all(HostPaths paths, CommandRunner commands) {
        Supplier<UserDb> users = () -> new UserDb(paths.etc());
        return List.of(
                new GuestSetUserPassword(() -> commands),
                new GuestSshGetAuthorizedKeys(users),
                new GuestSshAddAuthorizedKeys(users),
                new GuestSshRemoveAuthorizedKeys(users));
    }
}
