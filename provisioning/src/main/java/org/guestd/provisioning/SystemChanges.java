// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;

/**
 * The system-wide provisioning changes besides the account: host name, sudoers drop-in, sshd
 * drop-in, ejecting the provisioning medium. Files are written under the {@link SystemRoot};
 * programs run through the injected {@link CommandRunner}.
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
     * Sets the host name: {@code hostnamectl set-hostname} under systemd, else /etc/hostname and
     * {@code hostname NAME} (busybox and sysvinit systems).
     *
     * @return how ("hostnamectl" or "/etc/hostname + hostname")
     */
    String setHostName(String name) throws AgentException, IOException {
        if (Files.isDirectory(root.path("/run/systemd/system"))
                && (Files.isExecutable(root.path("/usr/bin/hostnamectl")) || Files.isExecutable(root.path("/bin/hostnamectl")))) {
            run(List.of("hostnamectl", "set-hostname", name));
            return "hostnamectl";
        }
        SafeFiles.write(root.path("/etc/hostname"), (name + "\n").getBytes(StandardCharsets.UTF_8), 0644, null, null);
        run(List.of("hostname", name));
        return "/etc/hostname + hostname";
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
            Files.move(candidate, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
            throw AgentException.generic(argv.get(0) + " failed (exit " + r.exitCode() + "): " + firstLine(r));
        }
    }

    private static String firstLine(CommandRunner.CommandResult r) {
        String s = (r.stderrText().isBlank() ? r.stdoutText() : r.stderrText()).strip();
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }
}
