// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.guestd.core.spi.ServiceContext;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.jna.linux.RouteDump;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.kvp.intrinsics.Fqdn;
import org.guestd.kvp.intrinsics.LinuxKvpIntrinsics;

/**
 * The KVP feature: {@link KvpStore} (hv_kvp_daemon's pool files) and {@link KvpIntrinsics} (auto
 * pool and IP info), built from the config when the agent constructs this service and handed to
 * the hyperv module, which serves them on /dev/vmbus/hv_kvp. As a service it opens (creates,
 * recovers) the pool files at start.
 *
 * <p>Config section {@code [kvp]}: {@code pool-dir} (default /var/lib/hyperv; the agent's
 * {@code --kvp-pool-dir} sets it), {@code file-mode} (octal, default 0600), {@code dir-mode}
 * (default 0700), {@code fsync} (default true), {@code scripts-dir} (default
 * /usr/libexec/hypervkvpd), {@code set-ip-mode} ({@code auto}, the default: {@code keyfile} for an
 * interface NetworkManager runs and manages, else {@code ifcfg}; {@code ifcfg} as Linux 6.1;
 * {@code keyfile} as upstream since 6.6).
 */
public final class KvpService implements AgentService {
    private final FileKvpStore store;
    private final KvpIntrinsics intrinsics;

    /**
     * @param kvp the {@code [kvp]} section
     * @param general {@code [general]} ({@code kvp-pool-dir})
     * @param info the guestinfo feature (IP addresses, OS)
     * @param version guestd's version, reported as IntegrationServicesVersion
     */
    public KvpService(ConfigSection kvp, ConfigSection general, HostPaths paths, CommandRunner commands,
            GuestInfo info, Supplier<String> version) throws AgentException {
        this.store = store(kvp, general);
        Path dir = store.options().dir();
        LinuxKvpIntrinsics.SetIpMode mode;
        try {
            mode = LinuxKvpIntrinsics.SetIpMode.valueOf(kvp.getString("set-ip-mode", "auto").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AgentException.generic("[kvp] set-ip-mode: not auto, ifcfg or keyfile: " + kvp.getString("set-ip-mode", ""));
        }
        this.intrinsics = new LinuxKvpIntrinsics(info, paths, commands, dir,
                Path.of(kvp.getString("scripts-dir", "/usr/libexec/hypervkvpd")), mode, version,
                Fqdn::of, RouteDump::dump);
    }

    /**
     * The pool files as {@code [kvp]} and {@code --kvp-pool-dir} configure them, without the rest
     * of the feature: what a one-shot command ({@code guestd provision}) writes through, with the
     * same locks as the running agent.
     */
    public static FileKvpStore store(ConfigSection kvp, ConfigSection general) throws AgentException {
        String configured = configuredDir(kvp, general);
        Path dir = Path.of(configured != null ? configured : FileKvpStore.DEFAULT_DIR);
        return new FileKvpStore(new FileKvpStore.Options(dir, octal(kvp, "file-mode", 0600),
                octal(kvp, "dir-mode", 0700), kvp.getBoolean("fsync", true)));
    }

    /**
     * Whether the agent builds the KVP feature: on a Hyper-V guest (a VMBus in sysfs) or when a
     * pool directory is configured, so a plain start elsewhere never creates /var/lib/hyperv.
     */
    public static Availability availability(ConfigSection kvp, ConfigSection general, HostPaths paths) {
        if (configuredDir(kvp, general) != null || Files.isDirectory(paths.sys("bus/vmbus"))) {
            return Availability.available();
        }
        return Availability.unavailable("not a Hyper-V guest (no /sys/bus/vmbus) and no --kvp-pool-dir");
    }

    private static String configuredDir(ConfigSection kvp, ConfigSection general) {
        return general.get("kvp-pool-dir").orElse(kvp.get("pool-dir").orElse(null));
    }

    @Override
    public String name() {
        return "kvp";
    }

    /** The pool files. */
    public KvpStore store() {
        return store;
    }

    /** The auto pool and IP info. */
    public KvpIntrinsics intrinsics() {
        return intrinsics;
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        try {
            store.init();
        } catch (KvpException e) {
            throw new AgentException(e.getMessage(), e);
        }
    }

    private static int octal(ConfigSection c, String key, int dflt) throws AgentException {
        String v = c.getString(key, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v, 8) & 07777;
        } catch (NumberFormatException e) {
            throw new AgentException("[kvp] " + key + ": not an octal mode: " + v, e);
        }
    }
}
