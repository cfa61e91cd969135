// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.guestd.core.env.HostPaths;

/**
 * Who provisions this VM, decided once at start from {@code [azure] provision} and the installed
 * agents, so two agents never both create users and report health:
 *
 * <ul>
 *   <li>{@code no}: nobody here (guestd keeps serving KVP); {@code yes}: guestd, whatever else is
 *       installed;
 *   <li>{@code auto} (default): guestd only on Azure, and only when neither waagent nor cloud-init
 *       is set to provision. waagent provisions when installed with {@code Provisioning.Agent} =
 *       {@code waagent}, or {@code auto} without a working cloud-init (or, in older waagent.conf
 *       files, {@code Provisioning.Enabled=y} without {@code Provisioning.UseCloudInit=y}); cloud-init
 *       provisions when installed, not disabled ({@code /etc/cloud/cloud-init.disabled}, {@code
 *       cloud-init=disabled} on the kernel command line) and its {@code datasource_list}, if set,
 *       names Azure.
 * </ul>
 *
 * <p>And where guestd's pass runs ({@link #forResidentAgent}): when systemd runs and the packaged
 * oneshot {@value #UNIT} is installed, that unit provisions at boot (with the privileges provisioning
 * needs) and the resident agent, whose sandbox has no IP sockets and a read-only {@code /etc}, only
 * keeps the KVP pools; elsewhere (no systemd, or a guestd started by hand) the resident agent runs it.
 */
public final class ProvisioningAuthority {
    /** {@code [azure] provision}. */
    public enum Mode { AUTO, YES, NO }

    /**
     * The decision and the one log line that says who provisions.
     *
     * @param guestd whether guestd provisions
     * @param who "guestd", "waagent", "cloud-init" or "nobody"
     * @param line the log line
     */
    public record Decision(boolean guestd, String who, String line) {}

    /** The packaged oneshot unit that runs {@code guestd provision} at boot on an Azure VM. */
    public static final String UNIT = "guestd-provision.service";
    /** Where systemd finds units, in its order of precedence. */
    static final List<String> UNIT_DIRS = List.of("/etc/systemd/system", "/run/systemd/system",
            "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system");

    private ProvisioningAuthority() {}

    /**
     * The decision for the resident agent: when guestd provisions and {@link #UNIT} is installed on a
     * system that runs systemd ({@code /run/systemd/system} exists, as {@code sd_booted()} checks),
     * the unit does it and the agent does not ({@code guestd} false, {@code who} the unit). A masked
     * unit (a link to /dev/null) still counts: the administrator chose that nobody provisions.
     */
    public static Decision forResidentAgent(Decision d, SystemRoot root) {
        if (!d.guestd() || !Files.isDirectory(root.path("/run/systemd/system"))) {
            return d;
        }
        for (String dir : UNIT_DIRS) {
            Path unit = root.path(dir + "/" + UNIT);
            if (Files.exists(unit, LinkOption.NOFOLLOW_LINKS)) {
                return new Decision(false, UNIT, d.line() + ", at boot in " + UNIT + " (" + dir + "/" + UNIT
                        + "): this agent only keeps the KVP pools");
            }
        }
        return d;
    }

    /** Decides for this machine. */
    public static Decision decide(Mode mode, boolean onAzure, SystemRoot root, HostPaths paths) {
        switch (mode) {
            case NO:
                return new Decision(false, "nobody", "azure: provisioning off ([azure] provision=no)");
            case YES:
                return new Decision(true, "guestd", "azure: guestd provisions this VM ([azure] provision=yes"
                        + (onAzure ? "" : "; no Azure chassis asset tag") + ")");
            default:
                break;
        }
        if (!onAzure) {
            return new Decision(false, "nobody", "azure: not an Azure VM (no Azure chassis asset tag): provisioning off");
        }
        String cloudInit = cloudInit(root, paths);
        String waagent = waagent(root, cloudInit != null);
        if (waagent != null) {
            return new Decision(false, "waagent", "azure: Azure VM; waagent provisions this VM (" + waagent
                    + "): guestd only keeps the KVP pools");
        }
        if (cloudInit != null) {
            return new Decision(false, "cloud-init", "azure: Azure VM; cloud-init provisions this VM (" + cloudInit
                    + "): guestd only keeps the KVP pools");
        }
        return new Decision(true, "guestd",
                "azure: Azure VM; guestd provisions this VM (neither waagent nor cloud-init is set to)");
    }

    /** Why waagent provisions, or null. */
    static String waagent(SystemRoot root, boolean cloudInitWorks) {
        if (!anyExecutable(root, "/usr/sbin/waagent", "/usr/bin/waagent", "/usr/local/sbin/waagent")) {
            return null;
        }
        String agent = null;
        String enabled = null;
        String useCloudInit = null;
        for (String line : lines(root.path("/etc/waagent.conf"))) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq < 0) {
                continue;
            }
            String k = l.substring(0, eq).strip();
            String v = l.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            switch (k) {
                case "Provisioning.Agent" -> agent = v;
                case "Provisioning.Enabled" -> enabled = v;
                case "Provisioning.UseCloudInit" -> useCloudInit = v;
                default -> { }
            }
        }
        if (agent != null) {
            return switch (agent) {
                case "waagent" -> "Provisioning.Agent=waagent";
                case "auto" -> cloudInitWorks ? null : "Provisioning.Agent=auto and no working cloud-init";
                default -> null; // cloud-init, disabled
            };
        }
        if ("n".equals(enabled) || "y".equals(useCloudInit)) {
            return null;
        }
        // waagent's default when the file sets neither key: auto
        return cloudInitWorks ? null : "waagent installed, Provisioning.Agent unset (auto) and no working cloud-init";
    }

    /** Why cloud-init provisions, or null. */
    static String cloudInit(SystemRoot root, HostPaths paths) {
        if (!anyExecutable(root, "/usr/bin/cloud-init", "/usr/local/bin/cloud-init")) {
            return null;
        }
        if (Files.exists(root.path("/etc/cloud/cloud-init.disabled"))) {
            return null;
        }
        for (String l : lines(paths.proc("cmdline"))) {
            if ((" " + l + " ").contains(" cloud-init=disabled ")) {
                return null;
            }
        }
        List<Path> cfgs = new ArrayList<>();
        cfgs.add(root.path("/etc/cloud/cloud.cfg"));
        try (Stream<Path> s = Files.list(root.path("/etc/cloud/cloud.cfg.d"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".cfg")).sorted().forEach(cfgs::add);
        } catch (IOException e) {
            // no drop-ins
        }
        String list = null;
        for (Path p : cfgs) {
            for (String l : lines(p)) {
                if (l.strip().startsWith("datasource_list")) {
                    list = l.strip(); // the last one wins, as cloud-init merges them
                }
            }
        }
        if (list != null && !list.contains("Azure")) {
            return null;
        }
        return list == null ? "cloud-init installed, no datasource_list" : "cloud-init " + list;
    }

    private static boolean anyExecutable(SystemRoot root, String... paths) {
        for (String p : paths) {
            if (Files.isExecutable(root.path(p))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
