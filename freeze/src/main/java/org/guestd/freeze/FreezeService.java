// SPDX-License-Identifier: Apache-2.0
package org.guestd.freeze;

import java.nio.file.Path;
import java.time.Duration;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.guestd.core.spi.ServiceContext;
import org.guestd.jna.linux.LinuxNative;
import org.guestd.os.HookRunner;
import org.slf4j.LoggerFactory;

/**
 * The freeze feature: the {@link FreezeEngine}, built from its config when the agent constructs
 * this service, handed to the protocols that use it as {@link FsFreezer} and {@link FsTrimmer}
 * (QGA, Hyper-V VSS). As a service it recovers the frozen state at start and thaws at stop.
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

    private final FreezeEngine engine;
    private final FrozenMarker marker;

    /**
     * @param freeze the {@code [freeze]} section
     * @param general {@code [general]} ({@code fsfreeze-hook}, {@code statedir})
     * @param runner runs the hooks
     * @param ops the ioctls ({@link FsOps#NATIVE} in production, a fake in tests)
     */
    public FreezeService(ConfigSection freeze, ConfigSection general, HostPaths paths, Clock clock,
            CommandRunner runner, FsOps ops) throws AgentException {
        Path hookDir = freeze.get("hook-dir").map(Path::of).orElse(paths.etc("guestd/freeze-hook.d"));
        Duration hookTimeout = freeze.getDuration("hook-timeout", DEFAULT_HOOK_TIMEOUT);
        Duration autoThaw = freeze.getDuration("auto-thaw", DEFAULT_AUTO_THAW);
        boolean skipLoop = freeze.getBoolean("skip-loop-devices", true);
        Path qemuHook = general.get("fsfreeze-hook").filter(s -> !s.isEmpty()).map(Path::of).orElse(null);
        Path stateDir = Path.of(general.getString("statedir", "/run/guestd"));
        this.marker = new FrozenMarker(stateDir);
        this.engine = new FreezeEngine(paths, new MountRules(paths, skipLoop, MountRules::statDevice), ops,
                new FreezeHooks(new HookRunner(runner, hookTimeout, LoggerFactory.getLogger("org.guestd.freeze")),
                        qemuHook, hookDir), marker, clock, new Watchdog(autoThaw));
    }

    /**
     * Whether the real ioctls can be issued here; when not, the agent builds no freeze feature and
     * the channels answer as the reference daemons do without one.
     */
    public static Availability nativeAvailability() {
        return LinuxNative.isAvailable() ? Availability.available()
                : Availability.unavailable("no native ioctl access: " + LinuxNative.availability());
    }

    /** Registers a listener told around every freeze (call before start). */
    public FreezeService addListener(FreezeListener l) {
        engine.addListener(l);
        return this;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The engine as the channels see it. */
    public FsFreezer freezer() {
        return engine;
    }

    /** The engine's FITRIM. */
    public FsTrimmer trimmer() {
        return engine;
    }

    /** The delay the auto-thaw watchdog was last armed with (null before any freeze); tests. */
    Duration watchdogDelay() {
        return engine.watchdogDelay();
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        if (marker.exists()) {
            engine.recoverFromMarker();
        }
    }

    /** Thaws if frozen (SIGTERM while frozen) and stops the watchdog. */
    @Override
    public void stop() {
        engine.close();
    }

    /**
     * Thaws now if frozen: the agent calls this first on SIGTERM, before its stop deadline starts,
     * so the thaw (and its hooks) is never cut short.
     */
    public void thawBeforeExit() {
        engine.thawForShutdown();
    }
}
