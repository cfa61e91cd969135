// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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

    private final Supplier<UserDb> users;

    GuestSshGetAuthorizedKeys(Supplier<UserDb> users) {
        super(NAME, USERNAME_ONLY);
        this.users = users;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        UserDb.User u = users.get().lookup(args.getString("username"));
        List<String> keys = new ArrayList<>();
        for (String line : AuthorizedKeys.read(AuthorizedKeys.file(u))) {
            String k = line.strip();
            if (!k.isEmpty() && !k.startsWith("#")) {
                keys.add(0, k);
            }
        }
        return Map.of("keys", keys);
    }
}
