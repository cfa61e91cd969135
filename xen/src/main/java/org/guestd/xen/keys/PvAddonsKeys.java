// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code attr/PVAddons/*}: how XAPI, XenCenter and Xen Orchestra learn that a guest agent runs and
 * which version. xe-guest-utilities writes its build's product version; guestd writes its own:
 * {@code MAJOR.MINOR.MICRO[.BUILD]} numbers from the version string (a missing or non-numeric part is
 * 0, a qualifier such as {@code -SNAPSHOT} is dropped), {@code Installed} = 1.
 */
public final class PvAddonsKeys {
    private PvAddonsKeys() {}

    /** The five keys for {@code version} (e.g. "0.1.0" → 0, 1, 0, build 0). */
    public static Map<String, String> of(String version) {
        String[] parts = version == null ? new String[0] : version.split("[^0-9.]", 2)[0].split("\\.");
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("attr/PVAddons/Installed", "1");
        keys.put("attr/PVAddons/MajorVersion", part(parts, 0));
        keys.put("attr/PVAddons/MinorVersion", part(parts, 1));
        keys.put("attr/PVAddons/MicroVersion", part(parts, 2));
        keys.put("attr/PVAddons/BuildVersion", part(parts, 3));
        return keys;
    }

    private static String part(String[] parts, int i) {
        if (i >= parts.length || parts[i].isEmpty()) {
            return "0";
        }
        try {
            return Long.toString(Long.parseLong(parts[i]));
        } catch (NumberFormatException e) {
            return "0";
        }
    }
}
