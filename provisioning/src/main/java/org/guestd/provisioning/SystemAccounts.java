// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;

/**
 * {@link Accounts} with the system's shadow tools ({@code useradd}, {@code usermod}, {@code passwd},
 * {@code chpasswd}, {@code userdel}) run through the injected {@link CommandRunner}, and the passwd,
 * group and shadow files read under a {@link SystemRoot}. Key files are written directly (owner,
 * modes, no symbolic links followed).
 */
public final class SystemAccounts implements Accounts {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CRYPT = Pattern.compile("\\$[0-9a-z]+\\$[^:\\s]+");

    private final SystemRoot root;
    private final CommandRunner runner;

    public SystemAccounts(SystemRoot root, CommandRunner runner) {
        this.root = root;
        this.runner = runner;
    }

    @Override
    public Optional<Account> lookup(String name) throws AgentException {
        for (String line : lines("/etc/passwd")) {
            String[] f = line.split(":", -1);
            if (f.length >= 7 && f[0].equals(name)) {
                try {
                    return Optional.of(new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5])));
                } catch (NumberFormatException | java.nio.file.InvalidPathException e) {
                    throw AgentException.generic("/etc/passwd: malformed entry for " + name);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Account create(String name) throws AgentException {
        List<String> argv = new ArrayList<>(List.of("useradd", "-m"));
        if (Files.isExecutable(root.path("/bin/bash"))) {
            argv.addAll(List.of("-s", "/bin/bash"));
        }
        argv.add(name);
        run(argv, null);
        return lookup(name).orElseThrow(() -> AgentException.generic("useradd reported success but " + name
                + " is not in /etc/passwd"));
    }

    @Override
    public List<String> addToGroups(String name, List<String> groups) throws AgentException {
        Set<String> existing = new LinkedHashSet<>();
        for (String line : lines("/etc/group")) {
            existing.add(line.split(":", 2)[0]);
        }
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String g : groups) {
            (existing.contains(g) ? present : missing).add(g);
        }
        if (!present.isEmpty()) {
            run(List.of("usermod", "-a", "-G", String.join(",", present), name), null);
        }
        return missing;
    }

    @Override
    public boolean lockPassword(String name) throws AgentException {
        for (String line : lines("/etc/shadow")) {
            String[] f = line.split(":", -1);
            if (f.length >= 2 && f[0].equals(name) && f[1].startsWith("!")) {
                return false;
            }
        }
        run(List.of("passwd", "-l", name), null);
        return true;
    }

    @Override
    public void setPasswordHash(String name, String cryptHash) throws AgentException {
        if (!CRYPT.matcher(cryptHash).matches()) {
            throw AgentException.generic("not a crypt(3) hash");
        }
        // -e: the input is already hashed; on stdin, so it is not visible in the process list
        run(List.of("chpasswd", "-e"), (name + ":" + cryptHash + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int addAuthorizedKeys(Account account, Path file, List<String> keyLines) throws AgentException {
        Path home = root.path(account.home());
        Path target = root.path(file);
        Path dir = target.getParent();
        try {
            if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
                throw AgentException.generic("home directory " + account.home() + " of " + account.name() + " is missing");
            }
            if (dir.equals(home.resolve(".ssh"))) {
                SafeFiles.directory(dir, 0700, account.uid(), account.gid());
            } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw AgentException.generic("directory " + root.systemPath(dir) + " does not exist");
            }
            List<String> current = new ArrayList<>();
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                SafeFiles.refuseLink(target);
                current.addAll(Files.readAllLines(target, StandardCharsets.UTF_8));
            }
            Set<String> have = new LinkedHashSet<>();
            for (String l : current) {
                have.add(keyIdentity(l));
            }
            int added = 0;
            for (String k : keyLines) {
                if (have.add(keyIdentity(k))) {
                    current.add(k);
                    added++;
                }
            }
            boolean ownerOk = Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    && ((Integer) Files.getAttribute(target, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == account.uid()
                    && Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS).equals(SafeFiles.perms(0600));
            if (added > 0 || !ownerOk) {
                StringBuilder sb = new StringBuilder();
                current.forEach(l -> sb.append(l).append('\n'));
                SafeFiles.write(target, sb.toString().getBytes(StandardCharsets.UTF_8), 0600, account.uid(), account.gid());
            }
            return added;
        } catch (IOException e) {
            throw AgentException.generic("cannot write " + root.systemPath(target) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String name) throws AgentException {
        run(List.of("userdel", "-r", name), null);
    }

    /** "type blob" of a key line (options and comments do not make a different key). */
    private static String keyIdentity(String line) {
        String[] f = line.strip().split("[ \t]+");
        for (int i = 0; i + 1 < f.length; i++) {
            if (f[i].startsWith("ssh-") || f[i].startsWith("ecdsa-") || f[i].startsWith("sk-")) {
                return f[i] + " " + f[i + 1];
            }
        }
        return line.strip();
    }

    private List<String> lines(String absolute) throws AgentException {
        try {
            return Files.readAllLines(root.path(absolute), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw AgentException.generic("cannot read " + absolute + ": " + e.getMessage(), e);
        }
    }

    private void run(List<String> argv, byte[] stdin) throws AgentException {
        CommandRunner.CommandResult r = runner.run(argv, stdin, TIMEOUT);
        if (!r.ok()) {
            String err = r.stderrText().strip();
            int nl = err.indexOf('\n');
            throw AgentException.generic(argv.get(0) + " failed (exit " + r.exitCode() + ")"
                    + (err.isEmpty() ? "" : ": " + (nl > 0 ? err.substring(0, nl) : err)));
        }
    }
}
