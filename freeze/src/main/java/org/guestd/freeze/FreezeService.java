// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.guestd.core.spi.ServiceContext;
import org.guestd.jna.linux.LinuxNative;

/**
 * The freeze feature as an agent service (name {@code freeze}): builds the {@link FreezeEngine}
 * and exports it as {@link FsFreezer} and {@link FsTrimmer}. Must start before the protocol
 * services that use it (QGA, Hyper-V VSS).
 *
 * <p>Config, section {@code [freeze]}: {@code hook-dir} (default {@code <etc>/guestd/freeze-hook.d}),
 * {@code hook-timeout} (default 60 s, per hook run), {@code auto-thaw} (default 5m; 0 disables the
 * watchdog), {@code skip-loop-devices} (default true, as hv_vss_daemon). {@code [general]}
 * {@code fsfreeze-hook} (qemu-ga's {@code -F}) enables the qemu-ga hook script;
 * {@code statedir} holds the frozen marker.
 *
 * <p>At start, a frozen marker left by a previous instance puts the engine in the FROZEN state
 * (restricted commands, disk writes held, watchdog armed). {@link #stop} thaws first.
 */
public final class FreezeService implements AgentService {
    public static final String NAME = "freeze";
    public static final Duration DEFAULT_AUTO_THAW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(60);

    private final FsOps ops;
    private final List<FreezeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile FreezeEngine engine;

    /** The production service: real ioctls. */
    public FreezeService() {
        this(FsOps.NATIVE);
    }

    /** A service over other ioctls (tests). */
    public FreezeService(FsOps ops) {
        this.ops = ops;
    }

    /** Registers a listener told around every freeze (call before start). */
    public FreezeService addListener(FreezeListener l) {
        listeners.add(l);
        return this;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability probe(ServiceContext ctx) {
        if (ops == FsOps.NATIVE && !LinuxNative.isAvailable()) {
            return Availability.unavailable("no native ioctl access: " + LinuxNative.availability());
        }
        return Availability.available();
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        ConfigSection cfg = ctx.config();
        ConfigSection general = ctx.general();
        Path hookDir = cfg.get("hook-dir").map(Path::of).orElse(ctx.paths().etc("guestd/freeze-hook.d"));
        Duration hookTimeout = cfg.getDuration("hook-timeout", DEFAULT_HOOK_TIMEOUT);
        Duration autoThaw = cfg.getDuration("auto-thaw", DEFAULT_AUTO_THAW);
        boolean skipLoop = cfg.getBoolean("skip-loop-devices", true);
        Path qemuHook = general.get("fsfreeze-hook").filter(s -> !s.isEmpty()).map(Path::of).orElse(null);
        Path stateDir = Path.of(general.getString("statedir", "/run/guestd"));
        FreezeEngine e = new FreezeEngine(ctx.paths(), new MountRules(ctx.paths(), skipLoop, MountRules::statDevice),
                ops, new HookRunner(qemuHook, hookDir, hookTimeout), new FrozenMarker(stateDir), ctx.clock(),
                new Watchdog(autoThaw), ctx::publish);
        listeners.forEach(e::addListener);
        if (new FrozenMarker(stateDir).exists()) {
            e.recoverFromMarker();
        }
        engine = e;
        ctx.export(FsFreezer.class, e);
        ctx.export(FsTrimmer.class, e);
    }

    /** Thaws if frozen (SIGTERM while frozen) and stops the watchdog. */
    @Override
    public void stop() {
        FreezeEngine e = engine;
        engine = null;
        if (e != null) {
            e.close();
        }
    }

    /**
     * Thaws now if frozen: the agent calls this first on SIGTERM, before its stop deadline starts,
     * so the thaw (and its hooks) is never cut short.
     */
    public void thawBeforeExit() {
        FreezeEngine e = engine;
        if (e != null) {
            e.thawForShutdown();
        }
    }

    /** The engine of the running service, or null before start. */
    public FsFreezer freezer() {
        return engine;
    }
}
