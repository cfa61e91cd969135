// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Buckets of the keys seen most (schema member names): computing a bucket encodes the key, and
     * a guest-info reply alone walks 130 keys. Bounded, since request ids can bring any keys.
     */
    private static final int CACHE_LIMIT = 4096;
    private static final ConcurrentHashMap<String, Integer> BUCKET_CACHE = new ConcurrentHashMap<>();

    /** qemu's bucket for {@code key} (the key as qemu stores it: modified UTF-8). */
    public static int bucket(String key) {
        Integer cached = BUCKET_CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        int b = computeBucket(key);
        if (BUCKET_CACHE.size() < CACHE_LIMIT && key.length() <= 64) {
            BUCKET_CACHE.put(key, b);
        }
        return b;
    }

    private static int computeBucket(String key) {
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
        int n = inserted.size();
        if (n < 2) {
            return inserted;
        }
        // sort key: bucket ascending, then the later-inserted first (qemu prepends within a bucket)
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = ((long) bucket(inserted.get(i)) << 32) | (Integer.MAX_VALUE - i);
        }
        Arrays.sort(order);
        List<String> out = new ArrayList<>(n);
        for (long o : order) {
            out.add(inserted.get(Integer.MAX_VALUE - (int) o));
        }
        return out;
    }

    /**
     * A copy of a JSON value with every object, at any depth, in qemu's order. Walks the value with
     * its own stack, so a deep value (a request id can nest 1024 levels) needs no thread stack.
     */
    public static Object reorder(Object value) {
        Object root = emptyCopy(value);
        if (root == value) {
            return value;
        }
        ArrayDeque<Walk> stack = new ArrayDeque<>();
        stack.push(new Walk(value, root));
        while (!stack.isEmpty()) {
            Walk w = stack.peek();
            if (!w.children.hasNext()) {
                stack.pop();
                continue;
            }
            Object child;
            Object copy;
            if (w.source instanceof Map) {
                String key = (String) w.children.next();
                child = ((Map<?, ?>) w.source).get(key);
                copy = emptyCopy(child);
                w.mapCopy().put(key, copy);
            } else {
                child = w.children.next();
                copy = emptyCopy(child);
                w.listCopy().add(copy);
            }
            if (copy != child) {
                stack.push(new Walk(child, copy)); // filled in place, after its parent took it
            }
        }
        return root;
    }

    /** A new empty container for a map or list; anything else is returned as it is. */
    private static Object emptyCopy(Object value) {
        if (value instanceof Map) {
            return new LinkedHashMap<String, Object>();
        }
        if (value instanceof List) {
            return new ArrayList<Object>(((List<?>) value).size());
        }
        return value;
    }

    /** A container being copied: its children (keys in qemu's order, or elements) and the copy. */
    private static final class Walk {
        final Object source;
        final Object copy;
        final Iterator<?> children;

        Walk(Object source, Object copy) {
            this.source = source;
            this.copy = copy;
            if (source instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, ?> m = (Map<String, ?>) source;
                this.children = keys(m).iterator();
            } else {
                this.children = ((List<?>) source).iterator();
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> mapCopy() {
            return (Map<String, Object>) copy;
        }

        @SuppressWarnings("unchecked")
        List<Object> listCopy() {
            return (List<Object>) copy;
        }
    }
}
