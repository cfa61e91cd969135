// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import java.math.BigInteger;
import java.util.Map;

/** Small helpers for building reply values the way QAPI's output visitor does. */
public final class Wire {
    private Wire() {}

    /** A QAPI {@code uint64}: printed unsigned, so values with the top bit set become BigInteger. */
    public static Object u64(long value) {
        return value >= 0 ? (Object) value : new BigInteger(Long.toUnsignedString(value));
    }

    /** Puts an optional member only when present ({@code has_x} false → member omitted). */
    public static void putOptional(Map<String, Object> map, String name, Object value) {
        if (value != null) {
            map.put(name, value);
        }
    }
}
