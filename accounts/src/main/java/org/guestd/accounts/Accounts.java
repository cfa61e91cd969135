// SPDX-License-Identifier: Apache-2.0
package org.guestd.accounts;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;

/**
 * The guest's user accounts as a host or a cloud may change them: look a user up, set a password,
 * and read, add or remove the user's SSH authorized keys. Protocol-neutral and the one
 * implementation of these actions: QGA's guest-set-user-password and guest-ssh-* translate onto it
 * (with qemu-ga's file semantics), and provisioning installs an administrator's keys and sets the
 * password hash through it.
 *
 * <p>Users come from NSS ({@code getpwnam_r}) on the live {@code /etc}, or from {@code ETC/passwd}
 * under an injected root. Passwords are set with {@code chpasswd} (reading {@code USER:PASSWORD\n}
 * on stdin; {@code -e} for an already encrypted one) through the injected {@link CommandRunner}.
 * Key files are rewritten through a temporary file owned by the user with mode 0600 and a rename;
 * a missing {@code ~/.ssh} is created 0700 and owned by the user; a symbolic link at {@code ~/.ssh}
 * or at the key file is never followed. Thread-safe; changes to key files are made one at a time.
 */
public final class Accounts {
    /** How long chpasswd may take. */
    static final Duration PASSWORD_TIMEOUT = Duration.ofSeconds(60);

    private final UserDb users;
    private final Path root;
    private final CommandRunner commands;
    private final Object keysLock = new Object();

    /**
     * The accounts of this machine ({@code paths.etc()} is the root of the user database; homes are
     * where the database says).
     *
     * @param commands runs chpasswd
     */
    public Accounts(HostPaths paths, CommandRunner commands) {
        this(paths.etc(), Path.of("/"), commands);
    }

    private Accounts(Path etc, Path root, CommandRunner commands) {
        this.users = new UserDb(etc);
        this.root = root;
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    /**
     * The accounts of a system whose {@code /} is {@code root} (a fixture tree in tests): the user
     * database is {@code ROOT/etc/passwd} and a home {@code /home/u} is {@code ROOT/home/u}.
     */
    public static Accounts under(Path root, CommandRunner commands) {
        return new Accounts(root.resolve("etc"), root, commands);
    }

    /** The user {@code name}; {@link AccountException.Kind#NO_SUCH_USER} when there is none. */
    public User lookup(String name) throws AccountException {
        return users.lookup(name);
    }

    /**
     * The user {@code name}, or empty when there is none; a user database that cannot be read is
     * a {@link AccountException.Kind#NO_SUCH_USER} failure with the reason.
     */
    public Optional<User> find(String name) throws AccountException {
        return users.find(name);
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
        for (String line : AuthorizedKeys.read(keyFile(u))) {
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
        Path dir = AuthorizedKeys.sshDir(home(u));
        Path file = keyFile(u);
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
                AuthorizedKeys.directoryForUser(dir, u, false);
                current = new ArrayList<>();
            }
            for (String k : keys) {
                if (!current.contains(k)) {
                    current.add(k);
                }
            }
            AuthorizedKeys.replace(file, String.join("\n", current), u);
        }
    }

    /**
     * Removes every line of {@code user}'s {@code authorized_keys} equal to one of {@code keys}; a
     * missing file is left missing. The keys are checked before the user is looked up.
     */
    public void removeAuthorizedKeys(String user, List<String> keys) throws AccountException {
        AuthorizedKeys.check(keys);
        User u = users.lookup(user);
        Path file = keyFile(u);
        synchronized (keysLock) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            List<String> kept = new ArrayList<>();
            for (String line : AuthorizedKeys.read(file)) {
                if (!keys.contains(line)) {
                    kept.add(line);
                }
            }
            AuthorizedKeys.replace(file, String.join("\n", kept), u);
        }
    }

    /**
     * Installs {@code keys} (whole lines, checked by the caller) in {@code file}, a key file inside
     * {@code user}'s home as the system sees it (e.g. {@code /home/u/.ssh/authorized_keys}), as
     * provisioning does: lines missing from the file are appended, each line ends with a newline;
     * {@code ~/.ssh} is created or set to 0700 and the user's, the file is the user's with mode 0600
     * even when no key was missing; a directory between the home and the file must exist already.
     * A symbolic link at the file or any directory below the home is refused, and so is a file
     * outside the home.
     *
     * @return how many keys were added (0: all were there)
     */
    public int installAuthorizedKeys(User user, Path file, List<String> keys) throws AccountException {
        AuthorizedKeys.check(keys);
        Path asked = file.normalize();
        if (!asked.isAbsolute() || !asked.startsWith(user.home()) || asked.equals(user.home())) {
            throw new AccountException(AccountException.Kind.IO, file + " is not inside " + user.home());
        }
        Path home = home(user);
        Path target = home.resolve(user.home().relativize(asked).toString());
        synchronized (keysLock) {
            if (!Files.isDirectory(home)) {
                throw new AccountException(AccountException.Kind.IO, "the home directory " + user.home() + " of "
                        + user.name() + " is missing");
            }
            Path sshDir = AuthorizedKeys.sshDir(home);
            // every name between the home and the file is the user's: none may be a link
            for (Path d = target.getParent(); !d.equals(home); d = d.getParent()) {
                AuthorizedKeys.refuseLink(d);
                if (!d.equals(sshDir) && !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    throw new AccountException(AccountException.Kind.IO, "directory " + system(d) + " does not exist");
                }
            }
            if (target.getParent().equals(sshDir)) {
                AuthorizedKeys.directoryForUser(sshDir, user, true);
            }
            AuthorizedKeys.refuseLink(target);
            List<String> lines = new ArrayList<>();
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    String text = AuthorizedKeys.readText(target);
                    if (!text.isEmpty()) {
                        lines.addAll(List.of(text.split("\n")));
                    }
                } catch (IOException e) {
                    throw new AccountException(AccountException.Kind.IO, "cannot read " + system(target) + ": "
                            + GlibFileError.errnoText(e), e);
                }
            }
            int added = 0;
            for (String k : keys) {
                if (!lines.contains(k)) {
                    lines.add(k);
                    added++;
                }
            }
            if (added > 0 || !AuthorizedKeys.ownedAndPrivate(target, user)) {
                StringBuilder sb = new StringBuilder();
                lines.forEach(l -> sb.append(l).append('\n'));
                AuthorizedKeys.replace(target, sb.toString(), user);
            }
            return added;
        }
    }

    /** The user's home as this process finds it (under the injected root). */
    private Path home(User u) {
        return root.resolve(Path.of("/").relativize(u.home().isAbsolute() ? u.home() : Path.of("/").resolve(u.home()))
                .toString());
    }

    private Path keyFile(User u) {
        return AuthorizedKeys.sshDir(home(u)).resolve("authorized_keys");
    }

    /** {@code p} (under the root) as the system sees it. */
    private Path system(Path p) {
        return Path.of("/").resolve(root.relativize(p).toString());
    }
}
