// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;

/**
 * The guestinfo feature: exports {@link GuestInfo} (a {@link LinuxGuestInfo} over the context's
 * roots and clock) for the protocol endpoints (QGA guest-get-osinfo, guest-get-fsinfo…, Hyper-V
 * KVP and Xen keys). It has no periodic work and reads nothing at start: every query goes to the
 * system when it is asked.
 *
 * <p>Config section {@code [guestinfo]} (all optional): {@code os-release-fallback} (default
 * {@code /usr/lib/os-release} beside the etc root) and {@code zoneinfo-dir} (GLib's TZDIR, default
 * {@code /usr/share/zoneinfo} beside the etc root). The agent passes qemu-ga's environment inputs
 * explicitly: {@code QGA_OS_RELEASE} as {@code osReleaseOverride} and {@code TZ} as
 * {@code tzOverride}; nothing here reads the process environment.
 */
public final class GuestInfoService implements AgentService {
    private final SystemProbes probes;
    private final Optional<Path> osReleaseOverride;
    private final Optional<String> tzOverride;

    public GuestInfoService(SystemProbes probes, Optional<Path> osReleaseOverride, Optional<String> tzOverride) {
        this.probes = Objects.requireNonNull(probes, "probes");
        this.osReleaseOverride = Objects.requireNonNull(osReleaseOverride, "osReleaseOverride");
        this.tzOverride = Objects.requireNonNull(tzOverride, "tzOverride");
    }

    @Override
    public String name() {
        return "guestinfo";
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        LinuxGuestInfo.Options d = LinuxGuestInfo.Options.defaults(ctx.paths(), osReleaseOverride, tzOverride);
        LinuxGuestInfo.Options options = new LinuxGuestInfo.Options(osReleaseOverride,
                ctx.config().get("os-release-fallback").map(Path::of).orElse(d.usrLibOsRelease()),
                tzOverride,
                ctx.config().get("zoneinfo-dir").map(Path::of).orElse(d.zoneinfoDir()));
        ctx.export(GuestInfo.class, new LinuxGuestInfo(ctx.paths(), ctx.clock(), probes, options));
    }
}
