// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import java.util.Optional;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.ServiceContext;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.qga.dispatch.CommandRegistry;

/**
 * What the QGA commands are built from: the guest-info API, the clock, the registry guest-info
 * reports on, the version, and (when running as a service) the {@link ServiceContext} through
 * which the feature APIs exported by other services are found ({@link #service}).
 *
 * <p>Commands must not touch their dependencies in their constructors: {@code -b help} builds
 * every command with a context-free instance only to list the names.
 */
public final class CommandDeps {
    private final GuestInfo info;
    private final Clock clock;
    private final CommandRegistry registry;
    private final String version;
    private final ServiceContext ctx;

    /**
     * @param ctx the QGA service's context, or null (names only, or a test without feature services)
     */
    public CommandDeps(GuestInfo info, Clock clock, CommandRegistry registry, String version, ServiceContext ctx) {
        this.info = info;
        this.clock = clock;
        this.registry = registry;
        this.version = version;
        this.ctx = ctx;
    }

    public GuestInfo info() {
        return info;
    }

    public Clock clock() {
        return clock;
    }

    public CommandRegistry registry() {
        return registry;
    }

    public String version() {
        return version;
    }

    /** The service context, or null when built without one. */
    public ServiceContext context() {
        return ctx;
    }

    /**
     * A feature API exported by another service (FsFreezer, PowerControl…): empty when that service
     * is not running, in which case the command answers as qemu-ga does without the feature.
     */
    public <T> Optional<T> service(Class<T> type) {
        return ctx == null ? Optional.empty() : ctx.lookup(type);
    }

    /** The injected /proc, /sys, /etc… roots ({@link HostPaths#system()} without a context). */
    public HostPaths paths() {
        return ctx == null ? HostPaths.system() : ctx.paths();
    }

    /** The injected program runner, or null without a context. */
    public CommandRunner commands() {
        return ctx == null ? null : ctx.commands();
    }

    /** The {@code [general]} section, empty without a context. */
    public ConfigSection general() {
        return ctx == null ? ConfigSection.empty("general") : ctx.general();
    }
}
