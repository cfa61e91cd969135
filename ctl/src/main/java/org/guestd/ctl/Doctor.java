// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.HostPaths;
import org.guestd.core.status.AgentStatus;
import org.guestd.core.status.StatusFile;
import org.guestd.core.status.StatusJson;

/**
 * The set-up mistakes guestctl doctor looks for, each a {@link Finding} with its fix: a channel device
 * present but the agent not running; another agent (qemu-ga, the Hyper-V daemons) running, enabled or
 * started by udev for a device guestd serves; a QEMU guest without the agent's virtio-serial port; exec,
 * file, password and SSH-key commands enabled without anyone having chosen so; KVP pool files with wrong
 * modes. Everything is read under {@link Roots}; nothing is changed.
 */
final class Doctor {
    /** A problem and what to do about it. */
    record Finding(String problem, String fix) {
        String line() {
            return problem + " — fix: " + fix;
        }
    }

    /** The commands that let the host act as root in the guest (the packaged guestd.conf blocks them). */
    static final Set<String> HOST_ACTS_AS_ROOT = new LinkedHashSet<>(List.of("guest-exec", "guest-exec-status",
            "guest-file-open", "guest-file-close", "guest-file-read", "guest-file-write", "guest-file-seek",
            "guest-file-flush", "guest-set-user-password", "guest-ssh-get-authorized-keys",
            "guest-ssh-add-authorized-keys", "guest-ssh-remove-authorized-keys"));
    private static final List<String> UDEV_DIRS = List.of("/etc/udev/rules.d", "/lib/udev/rules.d",
            "/usr/lib/udev/rules.d");

    private final Roots roots;
    private final HostPaths paths;
    private final List<Finding> findings = new ArrayList<>();
    private final Optional<AgentStatus> status;
    private final List<Processes.Proc> procs;
    private final Optional<Processes.Proc> guestd;

    Doctor(Roots roots, Path stateDir) {
        this.roots = roots;
        this.paths = roots.paths();
        this.status = readStatus(stateDir.resolve(StatusFile.FILE_NAME));
        this.procs = Processes.list(paths);
        long pid = status.map(s -> s.agent().pid()).orElse(-1L);
        this.guestd = Processes.guestd(paths, pid);
    }

    /** Runs every check. */
    List<Finding> run() {
        agentNotRunning();
        competitors();
        virtioPortMissing();
        hostActsAsRoot();
        kvpPoolModes();
        return findings;
    }

    private static Optional<AgentStatus> readStatus(Path file) {
        try {
            return Optional.of(StatusJson.read(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void add(String problem, String fix) {
        findings.add(new Finding(problem, fix));
    }

    /** The channel devices present here, by path. */
    private List<String> devicesPresent() {
        List<String> out = new ArrayList<>();
        if (virtioPortPresent()) {
            out.add(Competitor.VIRTIO_PORT);
        }
        for (String d : List.of("/dev/vmbus/hv_kvp", "/dev/vmbus/hv_vss", "/dev/vmbus/hv_fcopy", "/dev/xen/xenbus")) {
            if (Files.exists(roots.resolve(d))) {
                out.add(d);
            }
        }
        return out;
    }

    private boolean virtioPortPresent() {
        if (Files.exists(roots.resolve(Competitor.VIRTIO_PORT))) {
            return true;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.sys("class/virtio-ports"))) {
            for (Path p : ds) {
                if (Competitor.VIRTIO_PORT_NAME.equals(read(p.resolve("name")))) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private void agentNotRunning() {
        List<String> devices = devicesPresent();
        if (devices.isEmpty() || guestd.isPresent()) {
            return;
        }
        String last = status.map(s -> s.agent().running()
                ? "; its last status (" + StatusJson.time(s.agent().writtenNanos()) + ") says it was running: killed or crashed?"
                : "; it stopped at " + StatusJson.time(s.agent().writtenNanos())).orElse("");
        add(String.join(", ", devices) + (devices.size() == 1 ? " is" : " are") + " present but guestd is not running"
                + last, "systemctl start guestd (udev starts it when a channel device appears; if it stops again, "
                + "journalctl -u guestd says why)");
    }

    private void competitors() {
        Set<String> reported = new LinkedHashSet<>();
        for (Competitor c : Competitor.ALL) {
            for (Processes.Proc p : procs) {
                if (c.matches(p.comm()) && reported.add(c.program())) {
                    add(c.program() + " (pid " + p.pid() + ") is running: it and guestd both open " + c.device()
                            + ", " + c.clash(), "systemctl disable --now " + c.unit()
                            + " (or remove " + c.packages() + ": guestd replaces it)");
                }
            }
        }
        List<String> present = devicesPresent();
        for (Competitor c : Competitor.ALL) {
            if (reported.contains(c.program()) || !present.contains(c.device())) {
                continue;
            }
            for (String unit : c.units()) {
                if (masked(unit)) {
                    continue;
                }
                Optional<String> how = enabledBy(unit)
                        .or(() -> c.udevRule() == null ? Optional.empty() : udevRule(c.udevRule()));
                if (how.isPresent() && reported.add(c.program())) {
                    add(unit + " " + how.get() + ": " + c.atBoot(),
                            "systemctl disable " + unit + " && systemctl mask " + unit + " (or remove " + c.packages()
                                    + ")");
                }
            }
        }
    }

    /** "is enabled (…wants/unit)" when a target wants the unit. */
    private Optional<String> enabledBy(String unit) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(roots.resolve("/etc/systemd/system"), "*.wants")) {
            for (Path wants : ds) {
                if (Files.exists(wants.resolve(unit), LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.of("is enabled (" + wants.getFileName() + ")");
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<String> udevRule(String word) {
        for (String dir : UDEV_DIRS) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(roots.resolve(dir), "*" + word + "*.rules")) {
                for (Path rule : ds) {
                    return Optional.of("is installed and its udev rule (" + dir + "/" + rule.getFileName()
                            + ") starts it");
                }
            } catch (IOException e) {
                // no such directory
            }
        }
        return Optional.empty();
    }

    private boolean masked(String unit) {
        Path p = roots.resolve("/etc/systemd/system/" + unit);
        try {
            return Files.isSymbolicLink(p) && Files.readSymbolicLink(p).toString().equals("/dev/null");
        } catch (IOException e) {
            return false;
        }
    }

    private void virtioPortMissing() {
        ConfigSection g = roots.config().general();
        String method = g.getString("method", "virtio-serial");
        if (!method.equals("virtio-serial") || !isQemuGuest() || virtioPortPresent()
                || Files.isDirectory(roots.resolve("/dev/vmbus"))) {
            return;
        }
        String path = g.getString("path", "");
        if (!path.isEmpty() && !path.equals(Competitor.VIRTIO_PORT) && Files.exists(roots.resolve(path))) {
            return; // a port of another name, configured on purpose
        }
        add("this QEMU/KVM guest has no virtio-serial port named " + Competitor.VIRTIO_PORT_NAME
                + " (the QEMU guest agent channel), so the host cannot reach guestd",
                "add the channel to the VM definition and restart the VM — libvirt (virsh edit): <channel type='unix'>"
                        + "<target type='virtio' name='" + Competitor.VIRTIO_PORT_NAME + "'/></channel>; Proxmox: qm set "
                        + "VMID --agent enabled=1; OpenStack: image property hw_qemu_guest_agent=yes");
    }

    private boolean isQemuGuest() {
        String vendor = read(paths.sys("class/dmi/id/sys_vendor"));
        String product = read(paths.sys("class/dmi/id/product_name"));
        String both = (vendor == null ? "" : vendor) + " " + (product == null ? "" : product);
        return both.contains("QEMU") || both.contains("KVM") || both.contains("OpenStack");
    }

    private void hostActsAsRoot() {
        List<String> enabled = new ArrayList<>();
        String where;
        if (status.isPresent() && status.get().commands() != null) {
            AgentStatus.Commands c = status.get().commands();
            if (c.policy() != null) {
                return; // a block or allow list was set: whoever set it chose
            }
            for (String name : c.enabled()) {
                if (HOST_ACTS_AS_ROOT.contains(name)) {
                    enabled.add(name);
                }
            }
            where = "guestd reports no block-rpcs or allow-rpcs";
        } else {
            ConfigSection g = roots.config().general();
            if (g.has("block-rpcs") || g.has("blacklist") || g.has("allow-rpcs")) {
                return;
            }
            enabled.addAll(HOST_ACTS_AS_ROOT);
            where = Files.exists(roots.configFile()) ? roots.configFile() + " sets no block-rpcs or allow-rpcs"
                    : "there is no " + roots.configFile();
        }
        if (enabled.isEmpty()) {
            return;
        }
        add(String.join(", ", enabled) + " are enabled because " + where + ": whoever controls the host can run "
                + "programs as root and read or write any file in this guest",
                "if that is not intended, list them in block-rpcs in " + roots.configFile() + " (the packaged file "
                        + "does); if it is, name the commands you use in allow-rpcs, and restart guestd");
    }

    private void kvpPoolModes() {
        Path dir = roots.kvpPoolDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        int expected = octal(roots.config().section("kvp").getString("file-mode", "0600"), 0600);
        int dirMode = mode(dir);
        if (dirMode >= 0 && (dirMode & 0022) != 0) {
            add(dir + " is " + String.format(Locale.ROOT, "%04o", dirMode) + ": local users can replace the pool files",
                    "chmod 0700 " + dir);
        }
        Map<Integer, List<String>> wrong = new LinkedHashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".kvp_pool_[0-4]")) {
            List<Path> pools = new ArrayList<>();
            ds.forEach(pools::add);
            pools.sort(null);
            for (Path p : pools) {
                int m = mode(p);
                if (m >= 0 && (m & ~expected & 0777) != 0) {
                    wrong.computeIfAbsent(m, k -> new ArrayList<>()).add(p.toString());
                }
            }
        } catch (AccessDeniedException e) {
            add("cannot read " + dir + " (permission denied), so the KVP pool files were not checked",
                    "run guestctl doctor as root");
            return;
        } catch (IOException e) {
            return;
        }
        for (Map.Entry<Integer, List<String>> e : wrong.entrySet()) {
            int m = e.getKey();
            String what = (m & 0002) != 0 ? "any local user can change what the host reads from this guest"
                    : (m & 0020) != 0 ? "the file's group can change what the host reads from this guest"
                    : "local users can read what the host and this guest exchange";
            add(String.join(", ", e.getValue()) + (e.getValue().size() == 1 ? " is " : " are ")
                    + String.format(Locale.ROOT, "%04o", m) + ": " + what,
                    "chmod " + String.format(Locale.ROOT, "%04o", expected) + " " + String.join(" ", e.getValue())
                            + " (guestd tightens them to [kvp] file-mode when it starts; hv_kvp_daemon leaves 0644)");
        }
    }

    private static int mode(Path p) {
        try {
            int m = 0;
            for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
                m |= 1 << (8 - perm.ordinal());
            }
            return m;
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static int octal(String s, int dflt) {
        try {
            return Integer.parseInt(s.strip(), 8) & 0777;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
