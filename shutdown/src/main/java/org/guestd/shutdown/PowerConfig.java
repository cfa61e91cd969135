// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;

/**
 * The {@code [shutdown]} settings.
 *
 * @param systemctl the systemctl program (a name looked up on PATH or a path); empty: skip systemd
 * @param sbinDir where {@code poweroff}, {@code halt}, {@code reboot} and {@code shutdown} live
 * @param hookDir the pre-action hook directory, or null for none
 * @param hookTimeout how long one hook may run
 * @param commandTimeout how long one power program may run
 * @param suspendMethods the suspend methods tried, in order: any of {@code systemd}, {@code pm-utils},
 *     {@code sysfs}
 */
public record PowerConfig(String systemctl, Path sbinDir, Path hookDir, Duration hookTimeout, Duration commandTimeout,
        List<String> suspendMethods) {
    /** Every suspend method, in qemu-ga's order. */
    public static final List<String> ALL_SUSPEND_METHODS = List.of("systemd", "pm-utils", "sysfs");

    /** The settings with every suspend method. */
    public PowerConfig(String systemctl, Path sbinDir, Path hookDir, Duration hookTimeout, Duration commandTimeout) {
        this(systemctl, sbinDir, hookDir, hookTimeout, commandTimeout, ALL_SUSPEND_METHODS);
    }

    public static final String KEY_SYSTEMCTL = "systemctl";
    public static final String KEY_SBIN_DIR = "sbin-dir";
    public static final String KEY_HOOK_DIR = "hook-dir";
    public static final String KEY_HOOK_TIMEOUT = "hook-timeout";
    public static final String KEY_COMMAND_TIMEOUT = "command-timeout";
    public static final String KEY_SUSPEND_METHODS = "suspend-methods";

    /** The defaults: systemctl on PATH, /sbin, no hooks, 30 s per hook, 300 s per program. */
    public static PowerConfig defaults() {
        return new PowerConfig("systemctl", Path.of("/sbin"), null, Duration.ofSeconds(30), Duration.ofSeconds(300));
    }

    /** Reads the section; absent keys keep their defaults. */
    public static PowerConfig from(ConfigSection c) throws AgentException {
        PowerConfig d = defaults();
        String hooks = c.getString(KEY_HOOK_DIR, "").trim();
        List<String> methods = c.has(KEY_SUSPEND_METHODS) ? c.getList(KEY_SUSPEND_METHODS) : ALL_SUSPEND_METHODS;
        for (String m : methods) {
            if (!ALL_SUSPEND_METHODS.contains(m)) {
                throw AgentException.generic("[" + c.name() + "] " + KEY_SUSPEND_METHODS + ": unknown method '" + m
                        + "' (known: systemd, pm-utils, sysfs)");
            }
        }
        return new PowerConfig(c.getString(KEY_SYSTEMCTL, d.systemctl()).trim(),
                Path.of(c.getString(KEY_SBIN_DIR, d.sbinDir().toString()).trim()),
                hooks.isEmpty() ? null : Path.of(hooks),
                positive(c, KEY_HOOK_TIMEOUT, c.getDuration(KEY_HOOK_TIMEOUT, d.hookTimeout())),
                positive(c, KEY_COMMAND_TIMEOUT, c.getDuration(KEY_COMMAND_TIMEOUT, d.commandTimeout())),
                List.copyOf(methods));
    }

    private static Duration positive(ConfigSection c, String key, Duration v) throws AgentException {
        if (v.isNegative() || v.isZero()) {
            throw AgentException.generic("[" + c.name() + "] " + key + " must be positive, got " + v);
        }
        return v;
    }
}
