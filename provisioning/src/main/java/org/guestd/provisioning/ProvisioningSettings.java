// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.nio.file.Path;
import java.util.List;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;

/**
 * The provisioning feature's settings, section {@code [provisioning]}.
 *
 * @param stateDir where the state file and custom data live ({@code state-dir}, default
 *     /var/lib/guestd/provisioning)
 * @param groups supplementary groups for the admin user, those that exist ({@code groups}, default none)
 * @param sudo whether the admin user gets the sudoers drop-in ({@code sudo}, default true)
 */
public record ProvisioningSettings(Path stateDir, List<String> groups, boolean sudo) {
    /** The default state directory. */
    public static final String DEFAULT_STATE_DIR = "/var/lib/guestd/provisioning";
    /** The sudoers drop-in guestd writes for the admin user. */
    public static final String SUDOERS_FILE = "/etc/sudoers.d/guestd-provisioning";
    /** The sshd drop-in guestd writes for PasswordAuthentication. */
    public static final String SSHD_DROP_IN = "/etc/ssh/sshd_config.d/50-guestd-provisioning.conf";
    /** The custom data file, in the state directory. */
    public static final String CUSTOM_DATA = "custom-data";

    public ProvisioningSettings {
        groups = List.copyOf(groups);
    }

    /** The settings of {@code [provisioning]}. */
    public static ProvisioningSettings fromConfig(ConfigSection c) throws ConfigException {
        return new ProvisioningSettings(Path.of(c.getString("state-dir", DEFAULT_STATE_DIR)), c.getList("groups"),
                c.getBoolean("sudo", true));
    }

    /** Defaults with another state directory (tests). */
    public static ProvisioningSettings defaults(Path stateDir) {
        return new ProvisioningSettings(stateDir, List.of(), true);
    }
}
