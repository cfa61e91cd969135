// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which qemu walks a QDict ({@code qobject/qdict.c}): 512 hash buckets in ascending
 * order, keys within a bucket most recently inserted first; the bucket is {@code tdb_hash(key) %
 * 512}. qemu-ga prints every object in this order and checks request members in it, so replies
 * built from insertion-ordered maps become byte-identical to qemu-ga's once passed through
 * {@link #reorder}.
 */
public final class QDictOrder {
    private static final int BUCKETS = 512;

    private QDictOrder() {}

    /** qemu's bucket for {@code key} (the key as qemu stores it: modified UTF-8). */
    public static int bucket(String key) {
        byte[] b = ModUtf8.encode(key);
        int value = 0x238F13AF * b.length;
        for (int i = 0; i < b.length; i++) {
            value += (b[i] & 0xFF) << (i * 5 % 24);
        }
        int hash = 1103515243 * value + 12345;
        return (int) (Integer.toUnsignedLong(hash) % BUCKETS);
    }

    /** The keys of an insertion-ordered map in qemu's iteration order. */
    public static List<String> keys(Map<String, ?> map) {
        List<String> inserted = new ArrayList<>(map.keySet());
        List<Integer> idx = new ArrayList<>(inserted.size());
        int[] buckets = new int[inserted.size()];
        for (int i = 0; i < inserted.size(); i++) {
            idx.add(i);
            buckets[i] = bucket(inserted.get(i));
        }
        idx.sort(Comparator.<Integer>comparingInt(i -> buckets[i]).thenComparing(i -> -i));
        List<String> out = new ArrayList<>(idx.size());
        for (int i : idx) {
            out.add(inserted.get(i));
        }
        return out;
    }

    /** A copy of a JSON value with every object, at any depth, in qemu's order. */
    public static Object reorder(Object value) {
        if (value instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) value;
            Map<String, Object> out = new LinkedHashMap<>();
            for (String k : keys(m)) {
                out.put(k, reorder(m.get(k)));
            }
            return out;
        }
        if (value instanceof List) {
            List<?> l = (List<?>) value;
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(reorder(o));
            }
            return out;
        }
        return value;
    }
}
