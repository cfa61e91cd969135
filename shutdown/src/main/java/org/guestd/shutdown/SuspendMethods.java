// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.shutdown.PowerControl.SuspendMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * qemu-ga's suspend on Linux ({@code guest_suspend}, with the 7.2-stable fix that tries every
 * method in turn): systemd, then pm-utils, then {@code /sys/power}. Each method is first asked
 * whether it supports the mode; the first supported one that succeeds ends the search.
 *
 * <ul>
 * <li>systemd: {@code systemctl status systemd-hibernate|systemd-suspend|systemd-hybrid-sleep}
 * exiting 1..3 (LSB "not running", i.e. the unit exists) means supported; then {@code systemctl
 * hibernate|suspend|hybrid-sleep};
 * <li>pm-utils: {@code pm-is-supported --hibernate|--suspend|--suspend-hybrid} exiting 0, then
 * {@code pm-hibernate|pm-suspend|pm-suspend-hybrid};
 * <li>sysfs: {@code SYS/power/state} listing {@code disk} / {@code mem}, then writing it there.
 * Hybrid (qemu-ga: not via sysfs) is done the kernel's way when {@code SYS/power/disk} offers
 * {@code suspend}: select it, write {@code disk}, then restore the previous selection.
 * </ul>
 * Differences from qemu-ga: when a supported method failed and no later one is supported,
 * qemu-ga reports success without suspending; guestd reports that method's error.
 */
final class SuspendMethods {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.shutdown");

    static final String NOT_SUPPORTED = "the requested suspend mode is not supported by the guest";
    static final String SYSFS_FAILED = "child process has failed to suspend";

    private final PowerConfig config;
    private final CommandRunner runner;
    private final HostPaths paths;
    private final SysWriter writer;

    /** Writes a sysfs attribute (a seam so tests can make the kernel refuse). */
    @FunctionalInterface
    interface SysWriter {
        void write(Path file, String value) throws IOException;
    }

    SuspendMethods(PowerConfig config, CommandRunner runner, HostPaths paths) {
        this(config, runner, paths, (f, v) -> Files.writeString(f, v));
    }

    SuspendMethods(PowerConfig config, CommandRunner runner, HostPaths paths, SysWriter writer) {
        this.config = config;
        this.runner = runner;
        this.paths = paths;
        this.writer = writer;
    }

    /** Suspends; returns the method that worked ("systemd", "pm-utils", "sysfs"). */
    String run(SuspendMode mode) throws AgentException {
        boolean supported = false;
        AgentException last = null;
        List<String> methods = config.suspendMethods();
        if (methods.contains("systemd") && !config.systemctl().isEmpty() && systemdSupports(mode)) {
            supported = true;
            try {
                helper(List.of(config.systemctl(), mode.systemctlVerb()), "systemctl " + mode.systemctlVerb());
                return "systemd";
            } catch (AgentException e) {
                last = e;
                LOG.info("systemd suspend failed: {}", e.getMessage());
            }
        }
        if (methods.contains("pm-utils") && pmUtilsSupports(mode)) {
            supported = true;
            try {
                helper(List.of(mode.pmProgram()), mode.pmProgram());
                return "pm-utils";
            } catch (AgentException e) {
                last = e;
                LOG.info("pm-utils suspend failed: {}", e.getMessage());
            }
        }
        if (methods.contains("sysfs") && sysfsSupports(mode)) {
            supported = true;
            try {
                sysfsSuspend(mode);
                return "sysfs";
            } catch (AgentException e) {
                last = e;
            }
        }
        if (!supported) {
            throw AgentException.generic(NOT_SUPPORTED);
        }
        throw last;
    }

    private boolean systemdSupports(SuspendMode mode) {
        try {
            int status = runner.run(List.of(config.systemctl(), "status", mode.systemdUnit()), null,
                    config.commandTimeout()).exitCode();
            return status > 0 && status < 4;
        } catch (AgentException e) {
            return false; // systemctl not found: qemu-ga's -1, not supported
        }
    }

    private boolean pmUtilsSupports(SuspendMode mode) {
        try {
            int status = runner.run(List.of("pm-is-supported", mode.pmIsSupportedFlag()), null,
                    config.commandTimeout()).exitCode();
            if (status != 0) {
                LOG.debug("the helper program 'pm-is-supported' returned an unexpected exit status code ({})", status);
            }
            return status == 0;
        } catch (AgentException e) {
            return false;
        }
    }

    /** Runs a suspend helper with qemu-ga's error texts. */
    private void helper(List<String> argv, String label) throws AgentException {
        CommandRunner.CommandResult r;
        try {
            r = runner.run(argv, null, config.commandTimeout());
        } catch (AgentException e) {
            throw AgentException.generic("the helper program '" + label + "' was not found", e);
        }
        if (!r.ok()) {
            throw AgentException.generic("the helper program '" + label
                    + "' returned an unexpected exit status code (" + r.exitCode() + ")");
        }
    }

    private Path stateFile() {
        return paths.sys("power/state");
    }

    private Path diskFile() {
        return paths.sys("power/disk");
    }

    private boolean sysfsSupports(SuspendMode mode) {
        String states = read(stateFile(), 31);
        if (states == null) {
            return false;
        }
        switch (mode) {
            case DISK:
                return states.contains("disk");
            case RAM:
                return states.contains("mem");
            default:
                String disk = read(diskFile(), 4096);
                return states.contains("disk") && disk != null && words(disk).contains("suspend");
        }
    }

    private void sysfsSuspend(SuspendMode mode) throws AgentException {
        if (mode != SuspendMode.HYBRID) {
            write(stateFile(), mode == SuspendMode.DISK ? "disk" : "mem");
            return;
        }
        String previous = selected(read(diskFile(), 4096));
        write(diskFile(), "suspend");
        try {
            write(stateFile(), "disk"); // returns after resume
        } finally {
            if (previous != null && !previous.equals("suspend")) {
                try {
                    writer.write(diskFile(), previous);
                } catch (IOException e) {
                    LOG.warn("cannot restore {} to {}: {}", diskFile(), previous, e.getMessage());
                }
            }
        }
    }

    private void write(Path p, String value) throws AgentException {
        try {
            writer.write(p, value);
        } catch (IOException e) {
            LOG.warn("cannot write {} to {}: {}", value, p, e.toString());
            throw AgentException.generic(SYSFS_FAILED, e);
        }
    }

    /** The bracketed entry of a sysfs selection list, e.g. {@code platform} of "[platform] shutdown suspend". */
    static String selected(String list) {
        if (list == null) {
            return null;
        }
        for (String w : list.trim().split("\\s+")) {
            if (w.length() > 2 && w.startsWith("[") && w.endsWith("]")) {
                return w.substring(1, w.length() - 1);
            }
        }
        return null;
    }

    private static List<String> words(String list) {
        return List.of(list.trim().replace("[", "").replace("]", "").split("\\s+"));
    }

    /**
     * The first {@code max} bytes of a sysfs file (qemu-ga reads 31 of /sys/power/state), or null
     * when unreadable or empty.
     */
    private static String read(Path p, int max) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(max);
            return b.length == 0 ? null : new String(b, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }
}
