// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.guestd.core.facts.MemoryFact;

/**
 * One sample of {@code /proc/meminfo}. Values with a {@code kB} unit are held in bytes; unit-less
 * values (HugePages_Total…) as given. Fields a kernel does not have (MemAvailable before 3.14)
 * are simply absent.
 *
 * @param realtimeNanos when the sample was taken (wall clock, ns since the epoch)
 * @param values field name → value, in file order
 */
public record MemInfo(long realtimeNanos, Map<String, Long> values) {
    public MemInfo {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A field, in bytes for kB fields. */
    public OptionalLong get(String field) {
        Long v = values.get(field);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    public OptionalLong total() {
        return get("MemTotal");
    }

    public OptionalLong free() {
        return get("MemFree");
    }

    /** The kernel's estimate of memory available without swapping (3.14+). */
    public OptionalLong available() {
        return get("MemAvailable");
    }

    public OptionalLong buffers() {
        return get("Buffers");
    }

    public OptionalLong cached() {
        return get("Cached");
    }

    /** Memory committed to allocations (what Hyper-V dynamic memory reports as pressure). */
    public OptionalLong committedAs() {
        return get("Committed_AS");
    }

    public OptionalLong commitLimit() {
        return get("CommitLimit");
    }

    public OptionalLong swapTotal() {
        return get("SwapTotal");
    }

    public OptionalLong swapFree() {
        return get("SwapFree");
    }

    /**
     * This sample as the memory fact, with pressure and balloon read beside it. Without
     * MemAvailable (kernels before 3.14) available is estimated as MemFree + Active(file) +
     * Inactive(file) + SReclaimable (OSHI {@code LinuxGlobalMemory}); without MemTotal there is no
     * fact (null).
     */
    public MemoryFact toFact(MemoryFact.Pressure pressure, long balloonBytes) {
        if (total().isEmpty()) {
            return null;
        }
        long free = free().orElse(0);
        long available = available().orElse(free + get("Active(file)").orElse(0) + get("Inactive(file)").orElse(0)
                + get("SReclaimable").orElse(0));
        return new MemoryFact(total().getAsLong(), free, available, buffers().orElse(0), cached().orElse(0),
                swapTotal().orElse(0), swapFree().orElse(0), committedAs().orElse(0), get("HugePages_Total").orElse(0),
                get("HugePages_Free").orElse(0), get("Hugepagesize").orElse(0), pressure, balloonBytes, realtimeNanos);
    }

    /**
     * Parses meminfo text: {@code Name:   value [kB]} per line; malformed lines are skipped.
     */
    public static MemInfo parse(byte[] text, long realtimeNanos) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : new String(text, StandardCharsets.ISO_8859_1).split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] rest = line.substring(colon + 1).trim().split("\\s+");
            if (rest.length == 0 || rest[0].isEmpty()) {
                continue;
            }
            long v;
            try {
                v = Long.parseLong(rest[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (rest.length > 1 && rest[1].equalsIgnoreCase("kB")) {
                v = v > Long.MAX_VALUE / 1024 ? Long.MAX_VALUE : v * 1024;
            }
            out.put(line.substring(0, colon).trim(), v);
        }
        return new MemInfo(realtimeNanos, out);
    }
}
