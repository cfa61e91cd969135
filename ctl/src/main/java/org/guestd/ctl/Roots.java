// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.HostPaths;

/**
 * Where guestctl reads the system: every path under one root ({@code /}, or an image or a test's
 * fixture tree with {@code --root}). {@link #paths()} has /proc, /sys, /etc, /run and /dev;
 * the rest (/lib, /usr/lib, /var) is resolved under {@link #root()}.
 *
 * @param root the system's root
 * @param configOverride a config file named on the command line, or null for /etc/guestd/guestd.conf
 */
record Roots(Path root, Path configOverride) {
    /** The agent's defaults (agent/Defaults, guestd.conf(5)). */
    static final String CONFIG = "etc/guestd/guestd.conf";
    static final String STATEDIR = "/run/guestd";
    static final String KVP_POOL_DIR = "/var/lib/hyperv";

    static Roots system() {
        return new Roots(Path.of("/"), null);
    }

    HostPaths paths() {
        return HostPaths.under(root);
    }

    /** An absolute path of the system ({@code /var/lib/hyperv}) under the root. */
    Path resolve(String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /** The config file guestd reads by default (or the one named), under the root. */
    Path configFile() {
        return configOverride != null ? configOverride : root.resolve(CONFIG);
    }

    /** The config file's contents; empty when it does not exist or cannot be read. */
    AgentConfig config() {
        Path f = configFile();
        if (!Files.isReadable(f)) {
            return AgentConfig.empty();
        }
        try {
            return AgentConfig.load(f);
        } catch (ConfigException e) {
            return AgentConfig.empty();
        }
    }

    /**
     * The state dir: the option as given (relative to the working directory), else the config file's
     * {@code statedir} or /run/guestd, under the root.
     */
    Path stateDir(Optional<String> option) {
        return option.map(Path::of)
                .orElseGet(() -> resolve(config().general().getString("statedir", STATEDIR)));
    }

    /** The KVP pool dir: the config's {@code [kvp] pool-dir}, else /var/lib/hyperv; under the root. */
    Path kvpPoolDir() {
        ConfigSection kvp = config().section("kvp");
        return resolve(kvp.getString("pool-dir", KVP_POOL_DIR));
    }
}
