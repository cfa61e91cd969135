// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.os.HookRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PowerControl} of a Linux guest: hooks (through native's shared {@link HookRunner}:
 * every executable file of the hook directory in name order, each limited to the hook timeout; a
 * hook that fails or times out is logged and the action still happens, since a broken script must
 * not make a guest impossible to shut down from the host), then {@link ShutdownMethods} or
 * {@link SuspendMethods}, then the audit record. One action at a time: a second request waits
 * for the first (qemu-ga runs commands one by one too).
 */
public final class LinuxPowerControl implements PowerControl {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.shutdown");

    private final HookRunner hooks;
    private final Path hookDir;
    private final ShutdownMethods shutdown;
    private final SuspendMethods suspend;
    private final Consumer<String> audit;

    /**
     * The shutdown feature as the agent builds it, from the {@code [shutdown]} section ({@link
     * PowerConfig}), the program runner and the /sys root.
     */
    public static LinuxPowerControl fromConfig(ConfigSection config, CommandRunner runner, HostPaths paths)
            throws AgentException {
        return new LinuxPowerControl(PowerConfig.from(config), runner, paths, null);
    }

    /**
     * @param audit where audit lines go ({@code null}: the {@code org.guestd.audit} logger)
     */
    public LinuxPowerControl(PowerConfig config, CommandRunner runner, HostPaths paths, Consumer<String> audit) {
        this(config, runner, new SuspendMethods(config, runner, Objects.requireNonNull(paths)), audit);
    }

    LinuxPowerControl(PowerConfig config, CommandRunner runner, SuspendMethods suspend, Consumer<String> audit) {
        Objects.requireNonNull(config);
        Objects.requireNonNull(runner);
        this.hooks = new HookRunner(runner, config.hookTimeout(), LOG);
        this.hookDir = config.hookDir();
        this.shutdown = new ShutdownMethods(config, runner);
        this.suspend = suspend;
        this.audit = audit == null ? Audit.LOGGER : audit;
    }

    @Override
    public synchronized void shutdown(PowerAction action, String requester) throws AgentException {
        perform(action.actionName(), requester, () -> shutdown.run(action));
    }

    @Override
    public synchronized void suspend(SuspendMode mode, String requester) throws AgentException {
        perform(mode.actionName(), requester, () -> suspend.run(mode));
    }

    /** Runs one power action: the hooks, then {@code method}, then the audit record (either way). */
    private void perform(String name, String requester, Method method) throws AgentException {
        LOG.info("{} requested by {}", name, requester);
        String hookResult = hooks.runAll(hooks.list(hookDir), name);
        try {
            String used = method.run();
            audit.accept(Audit.line(requester, name, "ok method=" + used + " hooks=" + hookResult));
        } catch (AgentException e) {
            audit.accept(Audit.line(requester, name, "failed hooks=" + hookResult + " error=" + e.getMessage()));
            throw e;
        }
    }

    /** A shutdown or suspend method chain; returns the method that worked. */
    @FunctionalInterface
    private interface Method {
        String run() throws AgentException;
    }
}
