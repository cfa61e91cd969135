// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The order in which {@code readdir(3)} returns the entries of a sysfs directory. kernfs keeps a
 * directory's children in an rbtree sorted by {@code kernfs_name_hash()} and then by name, and
 * readdir walks that tree; qemu-ga iterates directories (e.g. {@code /sys/devices/system/cpu}) in
 * that order, which is why guest-get-vcpus lists {@code cpu1} before {@code cpu0}.
 *
 * <p>The hash is Linux's {@code full_name_hash} with a NULL salt on 64-bit kernels:
 * {@code partial_name_hash} per byte (bytes taken as signed {@code char}, as on x86), then
 * {@code hash_long(h, 32)} = {@code (h * GOLDEN_RATIO_64) >>> 32}, masked to 31 bits, with 0, 1 and
 * INT_MAX reserved. Namespaced directories (e.g. {@code /sys/class/net}) also mix a namespace
 * pointer into the hash, so their order cannot be predicted and callers must not rely on this.
 */
public final class KernfsOrder {
    private static final long GOLDEN_RATIO_64 = 0x61C8864680B583EBL;

    /** Sorts names the way sysfs readdir returns them. */
    public static final Comparator<String> COMPARATOR =
            Comparator.comparingLong(KernfsOrder::hash).thenComparing(KernfsOrder::compareBytes);

    private KernfsOrder() {}

    /** {@code kernfs_name_hash(name, NULL)} of a 64-bit kernel. */
    public static long hash(String name) {
        long h = 0;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            long c = b; // sign-extended like (unsigned long)(char) on x86
            h = (h + (c << 4) + (c >>> 4)) * 11;
        }
        long v = (h * GOLDEN_RATIO_64) >>> 32;
        v &= 0x7fffffffL;
        if (v < 2) {
            v += 2;
        }
        if (v >= 0x7fffffffL) {
            v = 0x7fffffffL - 1;
        }
        return v;
    }

    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }
}
