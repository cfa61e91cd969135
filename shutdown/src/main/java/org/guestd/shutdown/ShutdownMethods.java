// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a power action is carried out, first method that works wins:
 * <ol>
 * <li>{@code systemctl poweroff|halt|reboot} — on systemd guests; skipped when it cannot be run or
 * fails (no systemd as PID 1, a container…);
 * <li>{@code SBIN/poweroff|halt|reboot} alone, when that program exists — qemu-ga's busybox fix
 * (qemu 10.2: busybox has these but no {@code shutdown});
 * <li>{@code SBIN/shutdown -h -P|-H|-r +0 "hypervisor initiated shutdown"} — exactly what qemu-ga
 * 7.2 runs on Linux.
 * </ol>
 * When the last method tried fails, the error is qemu-ga 7.2's {@code child process has failed to
 * shutdown} (also when the program cannot be started: qemu-ga's child then exits with 1).
 */
final class ShutdownMethods {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.shutdown");

    /** qemu-ga's shutdown message argument. */
    static final String MESSAGE = "hypervisor initiated shutdown";
    /** qemu-ga 7.2's text when shutdown(8) fails. */
    static final String FAILED = "child process has failed to shutdown";

    private final PowerConfig config;
    private final CommandRunner runner;

    ShutdownMethods(PowerConfig config, CommandRunner runner) {
        this.config = config;
        this.runner = runner;
    }

    /** Carries out {@code action}; returns the method that worked, for the audit record. */
    String run(PowerControl.PowerAction action) throws AgentException {
        Duration t = config.commandTimeout();
        if (!config.systemctl().isEmpty()) {
            List<String> argv = List.of(config.systemctl(), action.verb());
            try {
                CommandRunner.CommandResult r = runner.run(argv, null, t);
                if (r.ok()) {
                    return "systemctl";
                }
                LOG.info("{} exited with status {} ({}); falling back", String.join(" ", argv), r.exitCode(),
                        firstLine(r));
            } catch (AgentException e) {
                LOG.info("{} could not run ({}); falling back", String.join(" ", argv), e.getMessage());
            }
        }
        Path single = config.sbinDir().resolve(action.verb());
        List<String> argv;
        String method;
        if (Files.isRegularFile(single) && Files.isExecutable(single)) {
            argv = List.of(single.toString());
            method = action.verb();
        } else {
            argv = List.of(config.sbinDir().resolve("shutdown").toString(), "-h", action.shutdownFlag(), "+0",
                    MESSAGE);
            method = "shutdown";
        }
        CommandRunner.CommandResult r;
        try {
            r = runner.run(argv, null, t);
        } catch (AgentException e) {
            LOG.warn("{} could not run: {}", argv.get(0), e.getMessage());
            throw AgentException.generic(FAILED, e);
        }
        if (!r.ok()) {
            LOG.warn("{} exited with status {} ({})", String.join(" ", argv), r.exitCode(), firstLine(r));
            throw AgentException.generic(FAILED);
        }
        return method;
    }

    private static String firstLine(CommandRunner.CommandResult r) {
        String s = (r.stderrText() + "\n" + r.stdoutText()).strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
