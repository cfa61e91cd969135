// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A command's checked arguments (or a nested struct): member name → converted value (see
 * {@link ArgType}); optional members that were not given are absent.
 */
public final class Args {
    private static final Args EMPTY = new Args(Map.of());

    private final Map<String, Object> values;

    Args(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** No arguments. */
    public static Args empty() {
        return EMPTY;
    }

    /** Whether the member was given (always true for a required member). */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The converted value, or null when absent. */
    public Object get(String name) {
        return values.get(name);
    }

    /** An {@code int}/{@code uint64} member (uint64 as two's-complement bits). */
    public long getLong(String name) {
        return (Long) require(name);
    }

    /** An optional integer member, null when absent. */
    public Long optLong(String name) {
        return (Long) values.get(name);
    }

    public String getString(String name) {
        return (String) require(name);
    }

    public String optString(String name) {
        return (String) values.get(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    public Boolean optBoolean(String name) {
        return (Boolean) values.get(name);
    }

    public double getDouble(String name) {
        return (Double) require(name);
    }

    public Args getStruct(String name) {
        return (Args) require(name);
    }

    /** A list member; elements are Long, String, Boolean, Double or {@link Args} per the element type. */
    @SuppressWarnings("unchecked")
    public <T> List<T> getList(String name) {
        return (List<T>) require(name);
    }

    /** An optional list member, null when absent. */
    @SuppressWarnings("unchecked")
    public <T> List<T> optList(String name) {
        return (List<T>) values.get(name);
    }

    /** All members given, in schema order. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object require(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("argument " + name + " was not given");
        }
        return values.get(name);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
