// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import java.time.Duration;
import java.util.Locale;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;
import org.guestd.xen.keys.GuestKeys;

/**
 * The Xen channel's settings: {@code xenbus-device} in {@code [general]} (the command line's
 * {@code --xenbus-device}) or {@code [xen]}; the rest in {@code [xen]}.
 *
 * @param device {@code PATH}, {@code fd:N}, {@code off}, or empty for the default search
 *     ({@code /dev/xen/xenbus}, else {@code /proc/xen/xenbus})
 * @param handleShutdown who answers {@code control/shutdown}
 * @param memoryInterval how often {@code data/meminfo_free} may change
 * @param balloon {@code control/feature-balloon}: 1 (true) or 0
 */
record XenSettings(String device, ShutdownMode handleShutdown, Duration memoryInterval, boolean balloon) {
    static final String KEY_DEVICE = "xenbus-device";
    static final String KEY_HANDLE_SHUTDOWN = "handle-shutdown";
    static final String KEY_MEMORY_INTERVAL = "memory-interval";
    static final String KEY_BALLOON = "feature-balloon";

    /** {@code [xen] handle-shutdown}. */
    enum ShutdownMode {
        /** guestd answers only when the kernel did not write {@code control/feature-poweroff} = 1. */
        AUTO,
        /** guestd always answers (the kernel's handler, if any, races it fairly: one transaction wins). */
        YES,
        /** never: the kernel answers. */
        NO
    }

    static XenSettings from(ConfigSection general, ConfigSection xen) throws ConfigException {
        String device = general.get(KEY_DEVICE).or(() -> xen.get(KEY_DEVICE)).map(String::strip).orElse("");
        ShutdownMode mode;
        String m = xen.getString(KEY_HANDLE_SHUTDOWN, "auto").strip().toLowerCase(Locale.ROOT);
        switch (m) {
            case "auto" -> mode = ShutdownMode.AUTO;
            case "yes", "true", "1" -> mode = ShutdownMode.YES;
            case "no", "false", "0" -> mode = ShutdownMode.NO;
            default -> throw new ConfigException(xen.name(), KEY_HANDLE_SHUTDOWN, "expected auto, yes or no, got '" + m + "'");
        }
        Duration memory = xen.getDuration(KEY_MEMORY_INTERVAL, GuestKeys.DEFAULT_MEMORY_INTERVAL);
        if (memory.isNegative()) {
            throw new ConfigException(xen.name(), KEY_MEMORY_INTERVAL, "must not be negative, got " + memory);
        }
        return new XenSettings(device, mode, memory, xen.getBoolean(KEY_BALLOON, true));
    }

    boolean off() {
        return "off".equals(device);
    }
}
