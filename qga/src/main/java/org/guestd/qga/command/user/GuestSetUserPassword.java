// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.user;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.qga.command.QBase64;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-set-user-password} (Since: 2.3): {@code {username: str, password: str (base64),
 * crypted: bool}}. As qemu-ga on Linux: the password is base64-decoded (qemu's checks), may not
 * contain a newline (up to its first NUL, as C sees it), the user name neither a newline nor a
 * colon; then {@code USER:PASSWORD\n} is piped to {@code chpasswd} ({@code chpasswd -e} when
 * {@code crypted}) through the injected runner. A non-zero exit answers "child process has failed
 * to set user password"; a chpasswd that cannot be started "cannot find 'passwd' program in PATH"
 * (qemu 7.2's text).
 */
public final class GuestSetUserPassword extends BaseCommand {
    public static final String NAME = "guest-set-user-password";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final StructSpec ARGS = StructSpec.builder()
            .required("username", ArgType.STR)
            .required("password", ArgType.STR)
            .required("crypted", ArgType.BOOL)
            .build();

    private final Supplier<CommandRunner> runner;

    GuestSetUserPassword(Supplier<CommandRunner> runner) {
        super(NAME, ARGS);
        this.runner = runner;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        String username = args.getString("username");
        byte[] raw = QBase64.decode(args.getString("password"));
        for (byte b : raw) {
            if (b == 0) {
                break;
            }
            if (b == '\n') {
                throw AgentException.generic("forbidden characters in raw password");
            }
        }
        if (username.indexOf('\n') >= 0 || username.indexOf(':') >= 0) {
            throw AgentException.generic("forbidden characters in username");
        }
        int len = 0;
        while (len < raw.length && raw[len] != 0) {
            len++;
        }
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[user.length + 1 + len + 1];
        System.arraycopy(user, 0, line, 0, user.length);
        line[user.length] = ':';
        System.arraycopy(raw, 0, line, user.length + 1, len);
        line[line.length - 1] = '\n';
        List<String> argv = args.getBoolean("crypted") ? List.of("chpasswd", "-e") : List.of("chpasswd");
        CommandRunner r = runner.get();
        if (r == null) {
            throw AgentException.generic("cannot find 'passwd' program in PATH");
        }
        CommandRunner.CommandResult result;
        try {
            result = r.run(argv, line, TIMEOUT);
        } catch (AgentException e) {
            throw AgentException.generic("cannot find 'passwd' program in PATH", e);
        }
        if (!result.ok()) {
            throw AgentException.generic("child process has failed to set user password");
        }
        return null;
    }
}
