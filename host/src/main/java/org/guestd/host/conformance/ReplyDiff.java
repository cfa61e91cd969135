// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compares two QGA replies to the same request by structure: objects by key set, lists of objects
 * matched by their natural key (interface name, mountpoint, logical-id, user, phys-index, disk
 * name…), scalars by value, except at volatile paths (counters, times, free space) where only the
 * JSON type must agree. Paths read like {@code $[mountpoint=/].used-bytes}.
 */
final class ReplyDiff {
    /**
     * Keys that identify the elements of a list of objects, tried in order. {@code cpu} comes before
     * {@code user}: guest-get-cpustats entries carry both, and their {@code user} is a time counter.
     */
    private static final List<String> LIST_KEYS = List.of("name", "mountpoint", "logical-id", "cpu", "user",
            "phys-index", "destination", "id");

    private final List<Pattern> volatilePaths;
    final List<String> differences = new ArrayList<>();

    /** @param volatilePaths regexes of paths whose values may differ between two reads */
    ReplyDiff(List<String> volatilePaths) {
        this.volatilePaths = volatilePaths.stream().map(Pattern::compile).toList();
    }

    void compare(String path, Object a, Object b) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            TreeSet<String> keys = new TreeSet<>();
            ma.keySet().forEach(k -> keys.add((String) k));
            mb.keySet().forEach(k -> keys.add((String) k));
            for (String k : keys) {
                String p = path + "." + k;
                if (!ma.containsKey(k)) {
                    differences.add(p + ": only in guestd: " + brief(mb.get(k)));
                } else if (!mb.containsKey(k)) {
                    differences.add(p + ": only in qemu-ga: " + brief(ma.get(k)));
                } else {
                    compare(p, ma.get(k), mb.get(k));
                }
            }
        } else if (a instanceof List<?> la && b instanceof List<?> lb) {
            String key = listKey(la, lb);
            if (key == null) {
                if (la.size() != lb.size()) {
                    differences.add(path + ": " + la.size() + " elements in qemu-ga, " + lb.size() + " in guestd");
                }
                for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                    compare(path + "[" + i + "]", la.get(i), lb.get(i));
                }
                return;
            }
            Map<Object, Object> xa = byKey(la, key);
            Map<Object, Object> xb = byKey(lb, key);
            for (Object k : xa.keySet()) {
                String p = path + "[" + key + "=" + k + "]";
                if (!xb.containsKey(k)) {
                    differences.add(p + ": only in qemu-ga");
                } else {
                    compare(p, xa.get(k), xb.get(k));
                }
            }
            for (Object k : xb.keySet()) {
                if (!xa.containsKey(k)) {
                    differences.add(path + "[" + key + "=" + k + "]: only in guestd");
                }
            }
        } else if (isVolatile(path)) {
            if (kind(a) != kind(b)) {
                differences.add(path + ": type " + kind(a) + " in qemu-ga, " + kind(b) + " in guestd");
            }
        } else if (!sameScalar(a, b)) {
            differences.add(path + ": qemu-ga " + brief(a) + ", guestd " + brief(b));
        }
    }

    private boolean isVolatile(String path) {
        for (Pattern p : volatilePaths) {
            if (p.matcher(path).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameScalar(Object a, Object b) {
        if (a instanceof Number na && b instanceof Number nb) {
            return new BigDecimal(na.toString()).compareTo(new BigDecimal(nb.toString())) == 0;
        }
        return Objects.equals(a, b);
    }

    private static String listKey(List<?> a, List<?> b) {
        for (String k : LIST_KEYS) {
            if (allHave(a, k) && allHave(b, k) && !(a.isEmpty() && b.isEmpty())) {
                return k;
            }
        }
        return null;
    }

    private static boolean allHave(List<?> l, String key) {
        for (Object o : l) {
            if (!(o instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return false;
            }
        }
        return true;
    }

    private static Map<Object, Object> byKey(List<?> l, String key) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Object o : l) {
            Object k = ((Map<?, ?>) o).get(key);
            // duplicate keys (e.g. one user logged in twice) get a suffix so nothing is lost
            Object unique = k;
            for (int n = 2; out.containsKey(unique); n++) {
                unique = k + "#" + n;
            }
            out.put(unique, o);
        }
        return out;
    }

    private static String kind(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Number) {
            return "number";
        }
        return o.getClass().getSimpleName();
    }

    static String brief(Object o) {
        String s = String.valueOf(o);
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
