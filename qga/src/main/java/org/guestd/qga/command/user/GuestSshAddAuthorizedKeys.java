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

    private final Supplier<UserDb> users;

    GuestSshAddAuthorizedKeys(Supplier<UserDb> users) {
        super(NAME, ARGS);
        this.users = users;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<String> keys = args.getList("keys");
        boolean reset = Boolean.TRUE.equals(args.optBoolean("reset"));
        AuthorizedKeys.check(keys);
        UserDb.User u = users.get().lookup(args.getString("username"));
        Path dir = AuthorizedKeys.sshDir(u);
        Path file = AuthorizedKeys.file(u);
        List<String> current = null;
        if (!reset) {
            try {
                current = AuthorizedKeys.read(file);
            } catch (AgentException unreadable) {
                current = null; // qemu-ga ignores the read error and starts a new file
            }
        }
        if (current == null) {
            if (!Files.isDirectory(dir)) {
                AuthorizedKeys.mkdirForUser(dir, u);
            }
            current = new ArrayList<>();
        }
        for (String k : keys) {
            if (!current.contains(k)) {
                current.add(k);
            }
        }
        AuthorizedKeys.write(file, current, u);
        return null;
    }
}
