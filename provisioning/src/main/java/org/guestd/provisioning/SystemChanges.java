// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;

/**
 * The operating-system actions only provisioning takes, in one place: host name, the account's
 * creation, groups, password lock and deletion with the shadow tools ({@code useradd}, {@code
 * usermod}, {@code passwd -l}, {@code userdel}), the sudoers drop-in checked by visudo, the sshd
 * drop-in, ejecting the provisioning medium. What QGA does too — looking a user up, setting a
 * password (hash) with chpasswd, installing keys with owner and modes — is the {@code accounts}
 * feature's. Files are written under the {@link SystemRoot}; programs run through the injected
 * {@link CommandRunner}.
 */
final class SystemChanges {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final SystemRoot root;
    private final CommandRunner runner;

    SystemChanges(SystemRoot root, CommandRunner runner) {
        this.root = root;
        this.runner = runner;
    }

    /** The host name in /etc/hostname, or null. */
    String configuredHostName() throws IOException {
        try {
            String s = Files.readString(root.path("/etc/hostname"), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Sets the host name: {@code hostnamectl set-hostname} under systemd with a system bus to reach
     * systemd-hostnamed through, else /etc/hostname and {@code hostname NAME} (busybox and sysvinit
     * systems, minimal images without D-Bus).
     *
     * @return how ("hostnamectl" or "/etc/hostname + hostname")
     */
    String setHostName(String name) throws AgentException, IOException {
        if (Files.isDirectory(root.path("/run/systemd/system")) && Files.exists(root.path("/run/dbus/system_bus_socket"))
                && (Files.isExecutable(root.path("/usr/bin/hostnamectl")) || Files.isExecutable(root.path("/bin/hostnamectl")))) {
            run(List.of("hostnamectl", "set-hostname", name));
            return "hostnamectl";
        }
        SafeFiles.write(root.path("/etc/hostname"), (name + "\n").getBytes(StandardCharsets.UTF_8), 0644, null, null);
        run(List.of("hostname", name));
        return "/etc/hostname + hostname";
    }

    /**
     * Creates the account with a home directory ({@code useradd -m}, with {@code -s /bin/bash} when
     * bash is installed, else useradd's default shell).
     */
    void createUser(String name) throws AgentException {
        List<String> argv = new ArrayList<>(List.of("useradd", "-m"));
        if (Files.isExecutable(root.path("/bin/bash"))) {
            argv.addAll(List.of("-s", "/bin/bash"));
        }
        argv.add(name);
        run(argv);
    }

    /** Adds the account to those of {@code groups} that exist; returns the others (skipped). */
    List<String> addToGroups(String name, List<String> groups) throws AgentException {
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
            run(List.of("usermod", "-a", "-G", String.join(",", present), name));
        }
        return missing;
    }

    /** Locks the account's password (key-only login); false when shadow says it is locked already. */
    boolean lockPassword(String name) throws AgentException {
        for (String line : lines("/etc/shadow")) {
            String[] f = line.split(":", -1);
            if (f.length >= 2 && f[0].equals(name) && f[1].startsWith("!")) {
                return false;
            }
        }
        run(List.of("passwd", "-l", name));
        return true;
    }

    /** Deletes the account and its home directory ({@code userdel -r}). */
    void deleteUser(String name) throws AgentException {
        run(List.of("userdel", "-r", name));
    }

    /**
     * Writes the sudoers drop-in for {@code user} as waagent grants it: {@code ALL=(ALL) ALL}, and
     * NOPASSWD only when the account has no password (it could never type one). Checked with
     * {@code visudo -c} before it takes effect when visudo is installed.
     *
     * @return false when the file already said exactly this
     */
    boolean writeSudoers(String user, boolean nopasswd) throws AgentException, IOException {
        Path file = root.path(ProvisioningSettings.SUDOERS_FILE);
        String content = "# written by guestd provisioning: the VM's admin user\n"
                + user + " ALL=(ALL) " + (nopasswd ? "NOPASSWD: " : "") + "ALL\n";
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return false;
        }
        SafeFiles.directory(file.getParent(), 0750, null, null);
        // sudo skips names with a dot: the candidate is inert until it is checked and renamed
        Path candidate = file.resolveSibling(".guestd-provisioning.check");
        SafeFiles.write(candidate, content.getBytes(StandardCharsets.UTF_8), 0440, null, null);
        try {
            if (Files.isExecutable(root.path("/usr/sbin/visudo")) || Files.isExecutable(root.path("/sbin/visudo"))) {
                CommandRunner.CommandResult r = runner.run(List.of("visudo", "-c", "-q", "-f",
                        root.systemPath(candidate).toString()), null, TIMEOUT);
                if (!r.ok()) {
                    throw AgentException.generic("visudo rejected the sudoers drop-in: " + firstLine(r));
                }
            }
            Files.move(candidate, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(candidate);
        }
        return true;
    }

    /** Result of {@link #writeSshd}. */
    record SshdResult(boolean changed, String note) {}

    /** Writes the sshd drop-in {@code PasswordAuthentication no|yes}; skipped without /etc/ssh. */
    SshdResult writeSshd(boolean disablePasswords) throws AgentException, IOException {
        Path sshDir = root.path("/etc/ssh");
        if (!Files.isDirectory(sshDir)) {
            return null;
        }
        Path file = root.path(ProvisioningSettings.SSHD_DROP_IN);
        String content = "# written by guestd provisioning, as the platform asked\n"
                + "PasswordAuthentication " + (disablePasswords ? "no" : "yes") + "\n";
        String note = "";
        Path main = sshDir.resolve("sshd_config");
        if (Files.isRegularFile(main) && Files.readAllLines(main, StandardCharsets.UTF_8).stream()
                .map(String::strip).noneMatch(l -> l.regionMatches(true, 0, "Include", 0, 7) && l.contains("sshd_config.d"))) {
            note = "; sshd_config does not include sshd_config.d: the drop-in has no effect";
        }
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return new SshdResult(false, note);
        }
        SafeFiles.directory(file.getParent(), 0755, null, null);
        SafeFiles.write(file, content.getBytes(StandardCharsets.UTF_8), 0644, null, null);
        if (Files.isDirectory(root.path("/run/systemd/system"))) {
            CommandRunner.CommandResult r = runner.run(List.of("systemctl", "try-reload-or-restart",
                    "ssh.service", "sshd.service"), null, TIMEOUT);
            note += r.ok() ? "; sshd reloaded" : "; sshd reload failed: " + firstLine(r);
        }
        return new SshdResult(true, note);
    }

    /** Ejects the provisioning medium; returns a failure text or null. */
    String eject(String device) {
        try {
            CommandRunner.CommandResult r = runner.run(List.of("eject", device), null, TIMEOUT);
            return r.ok() ? null : "eject " + device + " failed: " + firstLine(r);
        } catch (AgentException e) {
            return "eject " + device + " failed: " + e.getMessage();
        }
    }

    private void run(List<String> argv) throws AgentException {
        CommandRunner.CommandResult r = runner.run(argv, null, TIMEOUT);
        if (!r.ok()) {
            String first = firstLine(r);
            throw AgentException.generic(argv.get(0) + " failed (exit " + r.exitCode() + ")"
                    + (first.isEmpty() ? "" : ": " + first));
        }
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

    private static String firstLine(CommandRunner.CommandResult r) {
        String s = (r.stderrText().isBlank() ? r.stdoutText() : r.stderrText()).strip();
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }
}
