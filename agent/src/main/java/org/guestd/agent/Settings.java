// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.HostPaths;
import org.guestd.transport.Method;

/**
 * The effective configuration: built-in defaults, then the config file, then the command line
 * (each layer overrides the one before, as in qemu-ga). The config file is {@code -c PATH}, else
 * {@code $GUESTD_CONF}, else {@code $QGA_CONF} (so qemu-ga's test suite and setups work), else
 * {@code /etc/guestd/guestd.conf} if it exists.
 */
final class Settings {
    private final AgentConfig config;
    private final Path configFile;
    private final boolean channelExplicit;
    private final List<String> policyOrigins;
    private final List<String> warnings;

    private Settings(AgentConfig config, Path configFile, boolean channelExplicit, List<String> policyOrigins,
            List<String> warnings) {
        this.config = config;
        this.configFile = configFile;
        this.channelExplicit = channelExplicit;
        this.policyOrigins = List.copyOf(policyOrigins);
        this.warnings = List.copyOf(warnings);
    }

    static Settings resolve(CommandLine cl, Map<String, String> env) throws ConfigException {
        Path file = null;
        boolean mustExist = true;
        String fromEnv = null;
        List<String> warnings = new ArrayList<>();
        if (cl.has(Option.CONFIG)) {
            file = Path.of(cl.get(Option.CONFIG));
        } else if (nonEmpty(env.get("GUESTD_CONF"))) {
            file = Path.of(env.get("GUESTD_CONF"));
            fromEnv = "GUESTD_CONF";
        } else if (nonEmpty(env.get("QGA_CONF"))) {
            file = Path.of(env.get("QGA_CONF"));
            fromEnv = "QGA_CONF";
        } else {
            file = Path.of(Defaults.CONFIG_FILE);
            mustExist = false;
        }
        AgentConfig fromFile = AgentConfig.empty();
        if (Files.exists(file)) {
            fromFile = AgentConfig.load(file);
        } else if (mustExist && fromEnv == null) {
            throw new ConfigException("config file " + file + " does not exist"); // -c names it: an error
        } else {
            if (fromEnv != null) { // as qemu-ga: a missing file named by the environment is ignored
                warnings.add("config file " + file + " (from $" + fromEnv + ") does not exist; ignored");
            }
            file = null;
        }
        AgentConfig fromCli = AgentConfig.of(Map.of(AgentConfig.GENERAL, cl.generalKeys()));
        AgentConfig merged = fromFile.overlay(fromCli);
        ConfigSection g = merged.general();
        List<String> origins = new ArrayList<>();
        if (!g.has("block-rpcs") && !g.has("blacklist") && !g.has("allow-rpcs")) {
            Path etc = g.get("etc-root").map(Path::of).orElse(HostPaths.system().etc());
            Optional<DistroRpcPolicy.Policy> distro = DistroRpcPolicy.read(etc);
            if (distro.isPresent()) {
                DistroRpcPolicy.Policy p = distro.get();
                Map<String, String> policy = new LinkedHashMap<>();
                if (!p.blocked().isEmpty()) {
                    policy.put("block-rpcs", String.join(";", p.blocked()));
                } else {
                    policy.put("allow-rpcs", String.join(";", p.allowed()));
                }
                merged = merged.overlay(AgentConfig.of(Map.of(AgentConfig.GENERAL, policy)));
                g = merged.general();
                origins.addAll(p.origins());
            }
        } else {
            origins.add(cl.generalKeys().containsKey("block-rpcs") || cl.generalKeys().containsKey("allow-rpcs")
                    ? "the command line" : "config file " + file);
        }
        boolean explicit = g.has("method") || g.has("path");

        Map<String, String> general = new LinkedHashMap<>();
        general.put("daemon", "false");
        general.put("method", Defaults.METHOD);
        general.put("path", "");
        general.put("statedir", Defaults.STATEDIR);
        general.put("verbose", "false");
        general.put("retry-path", "false");
        general.put("block-rpcs", "");
        general.putAll(g.asMap());
        if (general.get("path").isEmpty()) {
            general.put("path", defaultPath(general.get("method")));
        }
        // Normalise lists to GKeyFile's "a;b;" form, the way qemu-ga -D prints them.
        for (String key : List.of("block-rpcs", "allow-rpcs")) {
            if (general.containsKey(key)) {
                List<String> items = new ConfigSection(key, Map.of(key, general.get(key))).getList(key);
                general.put(key, items.isEmpty() ? "" : String.join(";", items) + ";");
            }
        }
        AgentConfig effective = merged.overlay(AgentConfig.of(Map.of(AgentConfig.GENERAL, general)));
        ConfigSection eg = effective.general();
        if (eg.has("block-rpcs") && !eg.getList("block-rpcs").isEmpty() && !eg.getList("allow-rpcs").isEmpty()) {
            throw new ConfigException(
                    "wrong commandline, using --block-rpcs and --allow-rpcs at the same time is not allowed");
        }
        try {
            Method.parse(eg.getString("method", Defaults.METHOD));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        eg.getBoolean("verbose", false); // validate early
        eg.getBoolean("daemon", false);
        return new Settings(effective, file, explicit, origins, warnings);
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    static String defaultPath(String method) {
        switch (method) {
            case "virtio-serial": return Defaults.VIRTIO_PATH;
            case "isa-serial": return Defaults.ISA_PATH;
            default: return "";
        }
    }

    AgentConfig config() {
        return config;
    }

    ConfigSection general() {
        return config.general();
    }

    /** The config file that was read, or null when none. */
    Path configFile() {
        return configFile;
    }

    /** Where the RPC policy (block or allow list) came from; empty when none is set. */
    List<String> policyOrigins() {
        return policyOrigins;
    }

    /** Problems found while resolving that did not stop it, for the log. */
    List<String> warnings() {
        return warnings;
    }

    /**
     * What {@code -D} prints: the effective configuration in the file syntax, headed by comment
     * lines saying where the RPC policy came from.
     */
    String dump() {
        StringBuilder sb = new StringBuilder();
        if (!policyOrigins.isEmpty()) {
            sb.append("# rpc policy from: ").append(String.join("; ", policyOrigins)).append('\n');
        }
        return sb.append(config.dump()).toString();
    }

    /** Whether the method or path was chosen by the user (then no fallback channel is used). */
    boolean channelExplicit() {
        return channelExplicit;
    }

    /** The same settings with another state dir (used when the default one cannot be created). */
    Settings withStateDir(Path dir) {
        AgentConfig c = config.overlay(AgentConfig.of(Map.of(AgentConfig.GENERAL, Map.of("statedir", dir.toString()))));
        return new Settings(c, configFile, channelExplicit, policyOrigins, warnings);
    }

    boolean verbose() throws ConfigException {
        return general().getBoolean("verbose", false);
    }

    Path stateDir() {
        return Path.of(general().getString("statedir", Defaults.STATEDIR));
    }

    /** The roots of /proc, /sys, /etc, /run: the live ones unless a test seam option moved them. */
    HostPaths hostPaths() {
        HostPaths p = HostPaths.system();
        ConfigSection g = general();
        p = g.get("proc-root").map(Path::of).map(p::withProc).orElse(p);
        p = g.get("sys-root").map(Path::of).map(p::withSys).orElse(p);
        p = g.get("etc-root").map(Path::of).map(p::withEtc).orElse(p);
        p = g.get("run-root").map(Path::of).map(p::withRun).orElse(p);
        return p;
    }
}
