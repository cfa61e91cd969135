// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code [section]} of the config file: an ordered, immutable key → value map with typed
 * accessors. Value syntax follows GLib's GKeyFile (what qemu-ga's config uses): booleans
 * {@code true/false} (also {@code 1/0}), lists separated by {@code ;}.
 */
public final class ConfigSection {
    private final String name;
    private final Map<String, String> values;

    public ConfigSection(String name, Map<String, String> values) {
        this.name = name;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static ConfigSection empty(String name) {
        return new ConfigSection(name, Map.of());
    }

    public String name() {
        return name;
    }

    /** All keys and raw values, in file order. */
    public Map<String, String> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String getString(String key, String dflt) {
        return values.getOrDefault(key, dflt);
    }

    public boolean getBoolean(String key, boolean dflt) throws ConfigException {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        switch (v.trim()) {
            case "true": case "1": return true;
            case "false": case "0": return false;
            default: throw new ConfigException(name, key, "expected a boolean (true/false), got '" + v + "'");
        }
    }

    public long getLong(String key, long dflt) throws ConfigException {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, key, "expected an integer, got '" + v + "'");
        }
    }

    /** A duration in seconds, fractions allowed ({@code 0.5}), or with a unit suffix ms/s/m/h. */
    public Duration getDuration(String key, Duration dflt) throws ConfigException {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        String s = v.trim();
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            long mult = 1000;
            if (s.endsWith("s")) {
                s = s.substring(0, s.length() - 1);
            } else if (s.endsWith("m")) {
                s = s.substring(0, s.length() - 1);
                mult = 60_000;
            } else if (s.endsWith("h")) {
                s = s.substring(0, s.length() - 1);
                mult = 3_600_000;
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(s.trim()) * mult));
        } catch (NumberFormatException e) {
            throw new ConfigException(name, key, "expected a duration (e.g. 30, 0.5, 200ms, 5m), got '" + v + "'");
        }
    }

    /**
     * A list: GKeyFile's {@code a;b;c;} form. Commas are accepted too, because the same keys come
     * from comma-separated CLI options ({@code -b guest-ping,guest-get-time}).
     */
    public List<String> getList(String key) {
        String v = values.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (String part : v.split("[;,]")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "[" + name + "]" + values;
    }
}
