// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;

/**
 * The guest's user accounts as a host may change them: look a user up, set a password, and read,
 * add or remove the user's SSH authorized keys. Protocol-neutral: QGA's guest-set-user-password
 * and guest-ssh-* translate onto it, and provisioning (installing an administrator's keys) can use
 * the same calls.
 *
 * <p>Users come from NSS ({@code getpwnam_r}) on the live {@code /etc}, or from {@code ETC/passwd}
 * under an injected root. Passwords are set with {@code chpasswd} (reading {@code USER:PASSWORD\n}
 * on stdin; {@code -e} for an already encrypted one) through the injected {@link CommandRunner}.
 * Keys live in {@code ~/.ssh/authorized_keys}, rewritten through a temporary file and a rename,
 * then owned by the user and set 0600; a missing {@code ~/.ssh} is created 0700 and owned by the
 * user. Thread-safe; changes to key files are made one at a time.
 */
public final class Accounts {
    /** How long chpasswd may take. */
    static final Duration PASSWORD_TIMEOUT = Duration.ofSeconds(60);

    private final UserDb users;
    private final CommandRunner commands;
    private final Object keysLock = new Object();

    /**
     * @param paths {@code paths.etc()} is the root of the user database
     * @param commands runs chpasswd
     */
    public Accounts(HostPaths paths, CommandRunner commands) {
        this.users = new UserDb(paths.etc());
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    /** The user {@code name}; {@link AccountException.Kind#NO_SUCH_USER} when there is none. */
    public User lookup(String name) throws AccountException {
        return users.lookup(name);
    }

    /**
     * Sets {@code user}'s password through chpasswd. Checked first: the password may not hold a
     * newline, the user name neither a newline nor a colon (either would break chpasswd's line).
     *
     * @param password the password's bytes as chpasswd is to read them
     * @param crypted the password is already encrypted ({@code chpasswd -e})
     */
    public void setPassword(String user, byte[] password, boolean crypted) throws AccountException {
        for (byte b : password) {
            if (b == '\n') {
                throw new AccountException(AccountException.Kind.INVALID_PASSWORD, "the password holds a newline");
            }
        }
        if (user.indexOf('\n') >= 0 || user.indexOf(':') >= 0) {
            throw new AccountException(AccountException.Kind.INVALID_USER_NAME,
                    "the user name '" + user + "' holds a newline or a colon");
        }
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[name.length + 1 + password.length + 1];
        System.arraycopy(name, 0, line, 0, name.length);
        line[name.length] = ':';
        System.arraycopy(password, 0, line, name.length + 1, password.length);
        line[line.length - 1] = '\n';
        List<String> argv = crypted ? List.of("chpasswd", "-e") : List.of("chpasswd");
        CommandRunner.CommandResult result;
        try {
            result = commands.run(argv, line, PASSWORD_TIMEOUT);
        } catch (AgentException e) {
            throw new AccountException(AccountException.Kind.PASSWORD_TOOL_MISSING,
                    "cannot run chpasswd: " + e.getMessage(), e);
        }
        if (!result.ok()) {
            throw new AccountException(AccountException.Kind.PASSWORD_TOOL_FAILED,
                    "chpasswd exited with status " + result.exitCode());
        }
    }

    /**
     * The keys in {@code user}'s {@code authorized_keys}, in file order: each line stripped, empty
     * lines and {@code #} comments left out. A missing file is an {@code IO} failure.
     */
    public List<String> authorizedKeys(String user) throws AccountException {
        User u = users.lookup(user);
        List<String> keys = new ArrayList<>();
        for (String line : AuthorizedKeys.read(AuthorizedKeys.file(u))) {
            String k = line.strip();
            if (!k.isEmpty() && !k.startsWith("#")) {
                keys.add(k);
            }
        }
        return keys;
    }

    /**
     * Adds each of {@code keys} not already present (as a whole line) to the end of {@code user}'s
     * {@code authorized_keys}; with {@code reset} the file holds exactly {@code keys}. The keys are
     * checked before the user is looked up; an unreadable file is started afresh (as qemu-ga).
     */
    public void addAuthorizedKeys(String user, List<String> keys, boolean reset) throws AccountException {
        AuthorizedKeys.check(keys);
        User u = users.lookup(user);
        Path dir = AuthorizedKeys.sshDir(u);
        Path file = AuthorizedKeys.file(u);
        synchronized (keysLock) {
            List<String> current = null;
            if (!reset) {
                try {
                    current = AuthorizedKeys.read(file);
                } catch (AccountException unreadable) {
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
        }
    }

    /**
     * Removes every line of {@code user}'s {@code authorized_keys} equal to one of {@code keys}; a
     * missing file is left missing. The keys are checked before the user is looked up.
     */
    public void removeAuthorizedKeys(String user, List<String> keys) throws AccountException {
        AuthorizedKeys.check(keys);
        User u = users.lookup(user);
        Path file = AuthorizedKeys.file(u);
        synchronized (keysLock) {
            if (!Files.exists(file)) {
                return;
            }
            List<String> kept = new ArrayList<>();
            for (String line : AuthorizedKeys.read(file)) {
                if (!keys.contains(line)) {
                    kept.add(line);
                }
            }
            AuthorizedKeys.write(file, kept, u);
        }
    }
}
