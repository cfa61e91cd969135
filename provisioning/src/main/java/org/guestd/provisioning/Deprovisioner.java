// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guestd.accounts.AccountException;
import org.guestd.accounts.Accounts;
import org.guestd.core.env.CommandRunner;

/**
 * Prepares a provisioned VM for capture as an image, as {@code waagent -deprovision[+user]} does:
 * the SSH host keys, cached DHCP leases, guestd's provisioning state and custom data, the host name
 * (reset to {@code localhost.localdomain}), and with {@code user} the provisioned admin user with
 * its home and sudoers drop-in; protocols add their own leftovers (Azure: guestd's KVP records).
 * {@link #plan} only lists; nothing changes until the actions run.
 */
public final class Deprovisioner {
    /** The host name an image is left with (waagent's). */
    public static final String RESET_HOST_NAME = "localhost.localdomain";
    private static final List<String> LEASE_DIRS = List.of("/var/lib/dhcp", "/var/lib/dhclient", "/var/lib/dhcpcd");

    /** One thing deprovisioning does. */
    public record Action(String description, Task task) {}

    /** An action's work. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final SystemRoot root;
    private final Accounts accounts;
    private final SystemChanges system;
    private final StateFile state;

    public Deprovisioner(SystemRoot root, Accounts accounts, CommandRunner runner, StateFile state) {
        this.root = root;
        this.accounts = accounts;
        this.system = new SystemChanges(root, runner);
        this.state = state;
    }

    /**
     * What deprovisioning would do here, in order.
     *
     * @param deleteUser also delete the provisioned admin user (and its sudoers drop-in)
     * @param extra actions contributed by protocols, run before the state is removed
     */
    public List<Action> plan(boolean deleteUser, List<Action> extra) throws IOException, AccountException {
        List<Action> out = new ArrayList<>();
        List<Path> hostKeys = glob(root.path("/etc/ssh"), "ssh_host_*");
        out.add(files("remove the SSH host keys", hostKeys));
        List<Path> leases = new ArrayList<>();
        for (String d : LEASE_DIRS) {
            leases.addAll(glob(root.path(d), "*"));
        }
        leases.addAll(glob(root.path("/var/lib/NetworkManager"), "*.lease"));
        out.add(files("remove cached DHCP leases", leases));
        out.add(new Action("reset the host name to " + RESET_HOST_NAME, () -> system.setHostName(RESET_HOST_NAME)));
        Optional<ProvisioningState> s = state.load();
        if (deleteUser) {
            String user = s.map(ProvisioningState::user).orElse(null);
            if (user == null) {
                out.add(new Action("delete the provisioned user: none is recorded in " + state.file() + " (skipped)", () -> { }));
            } else if (accounts.find(user).isEmpty()) {
                out.add(new Action("delete the provisioned user " + user + ": it no longer exists (skipped)", () -> { }));
            } else {
                out.add(new Action("delete the provisioned user " + user + " and its home directory (userdel -r)",
                        () -> system.deleteUser(user)));
            }
            out.add(files("remove the sudoers drop-in", existing(root.path(ProvisioningSettings.SUDOERS_FILE))));
        }
        out.add(files("remove the sshd drop-in written by provisioning", existing(root.path(ProvisioningSettings.SSHD_DROP_IN))));
        out.addAll(extra);
        List<Path> stateFiles = new ArrayList<>(glob(state.dir(), "*"));
        out.add(files("remove guestd's provisioning state and custom data", stateFiles));
        return out;
    }

    private Action files(String what, List<Path> files) {
        if (files.isEmpty()) {
            return new Action(what + ": none found", () -> { });
        }
        List<String> shown = new ArrayList<>();
        files.forEach(f -> shown.add(f.startsWith(root.root()) ? root.systemPath(f).toString() : f.toString()));
        return new Action(what + ": " + String.join(", ", shown), () -> {
            for (Path f : files) {
                if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(f);
                } else {
                    Files.deleteIfExists(f);
                }
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(p);
                } else {
                    Files.delete(p);
                }
            }
        }
        Files.delete(dir);
    }

    private static List<Path> existing(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? List.of(p) : List.of();
    }

    private static List<Path> glob(Path dir, String pattern) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pattern)) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }
}
