// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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

    private final Supplier<UserDb> users;

    GuestSshRemoveAuthorizedKeys(Supplier<UserDb> users) {
        super(NAME, ARGS);
        this.users = users;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<String> keys = args.getList("keys");
        AuthorizedKeys.check(keys);
        UserDb.User u = users.get().lookup(args.getString("username"));
        Path file = AuthorizedKeys.file(u);
        if (!Files.exists(file)) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        for (String line : AuthorizedKeys.read(file)) {
            if (!keys.contains(line)) {
                kept.add(line);
            }
        }
        AuthorizedKeys.write(file, kept, u);
        return null;
    }
}
