// SPDX-License-Identifier: Apache-2.0
package org.guestd.kvp;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;
import org.guestd.core.AgentException;
import org.guestd.core.ErrorClass;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.guestd.core.spi.ServiceContext;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.kvp.file.HostNames;
import org.guestd.kvp.intrinsics.LinuxKvpIntrinsics;

/**
 * The KVP feature: exports {@link KvpStore} (hv_kvp_daemon's pool files) and {@link KvpIntrinsics}
 * (auto pool and IP info). Device-independent; the hyperv module serves them on /dev/vmbus/hv_kvp.
 *
 * <p>Config section {@code [kvp]}: {@code pool-dir} (default /var/lib/hyperv; the agent's
 * {@code --kvp-pool-dir} sets it), {@code file-mode} (octal, default 0600), {@code dir-mode}
 * (default 0700), {@code fsync} (default true), {@code scripts-dir} (default
 * /usr/libexec/hypervkvpd), {@code set-ip-mode} ({@code ifcfg} as Linux 6.1, or {@code keyfile}).
 * Must start after guestinfo.
 */
public final class KvpService implements AgentService {
    private final Supplier<String> version;

    /** @param version guestd's version, reported as IntegrationServicesVersion */
    public KvpService(Supplier<String> version) {
        this.version = version;
    }

    @Override
    public String name() {
        return "kvp";
    }

    /**
     * Available on a Hyper-V guest (a VMBus in sysfs) or when a pool directory is configured, so a
     * plain start elsewhere never creates /var/lib/hyperv.
     */
    @Override
    public Availability probe(ServiceContext ctx) {
        if (configuredDir(ctx) != null || java.nio.file.Files.isDirectory(ctx.paths().sys("bus/vmbus"))) {
            return Availability.available();
        }
        return Availability.unavailable("not a Hyper-V guest (no /sys/bus/vmbus) and no --kvp-pool-dir");
    }

    private static String configuredDir(ServiceContext ctx) {
        return ctx.general().get("kvp-pool-dir").orElse(ctx.config().get("pool-dir").orElse(null));
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        ConfigSection c = ctx.config();
        String configured = configuredDir(ctx);
        Path dir = Path.of(configured != null ? configured : FileKvpStore.DEFAULT_DIR);
        FileKvpStore.Options options = new FileKvpStore.Options(dir, octal(c, "file-mode", 0600),
                octal(c, "dir-mode", 0700), c.getBoolean("fsync", true));
        FileKvpStore store = new FileKvpStore(options);
        try {
            store.init();
        } catch (KvpException e) {
            throw new AgentException(ErrorClass.GENERIC_ERROR, e.getMessage(), e);
        }
        LinuxKvpIntrinsics.SetIpMode mode = LinuxKvpIntrinsics.SetIpMode.valueOf(
                c.getString("set-ip-mode", "ifcfg").toUpperCase(Locale.ROOT));
        KvpIntrinsics intrinsics = new LinuxKvpIntrinsics(ctx.require(GuestInfo.class), ctx.paths(), ctx.commands(),
                dir, Path.of(c.getString("scripts-dir", "/usr/libexec/hypervkvpd")), mode, version,
                HostNames::canonicalName, org.guestd.kvp.file.RouteDump::dump);
        ctx.export(KvpStore.class, store);
        ctx.export(KvpIntrinsics.class, intrinsics);
    }

    private static int octal(ConfigSection c, String key, int dflt) throws AgentException {
        String v = c.getString(key, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v, 8) & 07777;
        } catch (NumberFormatException e) {
            throw new AgentException(ErrorClass.GENERIC_ERROR, "[kvp] " + key + ": not an octal mode: " + v, e);
        }
    }
}
