// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * qgactl's readable rendering of a return value. Objects become {@code key: value} lines (scalars
 * first, a {@code name} member leading, nested values indented under their key); arrays of flat
 * objects become tables; arrays of nested objects become records, separated by a blank line at
 * the top level and marked YAML-style with {@code "- "} when nested.
 */
final class Renderer {
    private static final int INDENT = 2;
    private static final int MAX_INLINE_LIST = 80;

    private Renderer() {}

    /** Renders a command's return value; every line ends in {@code \n}. */
    static String render(Object value) {
        StringBuilder sb = new StringBuilder();
        if (value instanceof Map && ((Map<?, ?>) value).isEmpty()) {
            sb.append("ok\n");
        } else if (value instanceof Map) {
            block((Map<?, ?>) value, 0, sb);
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            if (list.isEmpty()) {
                sb.append("(none)\n");
            } else if (allMaps(list) && !allFlat(list)) {
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append('\n');
                    }
                    block((Map<?, ?>) list.get(i), 0, sb);
                }
            } else {
                listBody(list, 0, sb, false);
            }
        } else {
            sb.append(scalar(value)).append('\n');
        }
        return sb.toString();
    }

    /** An object's members as lines at {@code indent}. */
    private static void block(Map<?, ?> map, int indent, StringBuilder sb) {
        for (Object key : orderedKeys(map)) {
            Object v = map.get(key);
            pad(sb, indent).append(key).append(':');
            if (isScalar(v)) {
                sb.append(' ').append(scalar(v)).append('\n');
            } else if (v instanceof Map && ((Map<?, ?>) v).isEmpty()) {
                sb.append(" (empty)\n");
            } else if (v instanceof List && ((List<?>) v).isEmpty()) {
                sb.append(" (none)\n");
            } else if (v instanceof List && inlineList((List<?>) v)) {
                sb.append(' ').append(joined((List<?>) v)).append('\n');
            } else if (v instanceof Map) {
                sb.append('\n');
                block((Map<?, ?>) v, indent + INDENT, sb);
            } else {
                sb.append('\n');
                listBody((List<?>) v, indent + INDENT, sb, true);
            }
        }
    }

    /** A non-empty array: a table of flat objects, marked records, or one item per line. */
    private static void listBody(List<?> list, int indent, StringBuilder sb, boolean nested) {
        if (allMaps(list) && allFlat(list)) {
            table(list, indent, sb);
            return;
        }
        for (Object item : list) {
            if (item instanceof Map && !((Map<?, ?>) item).isEmpty()) {
                int at = sb.length();
                block((Map<?, ?>) item, indent + INDENT, sb);
                sb.replace(at + indent, at + indent + INDENT, "- ");
            } else if (item instanceof List && !((List<?>) item).isEmpty()) {
                pad(sb, indent).append("-\n");
                listBody((List<?>) item, indent + INDENT, sb, true);
            } else {
                pad(sb, indent).append(nested ? "- " : "").append(scalarOrEmpty(item)).append('\n');
            }
        }
    }

    /** A table: header of upper-cased member names, one row per object, "-" for missing cells. */
    private static void table(List<?> rows, int indent, StringBuilder sb) {
        Set<Object> cols = new LinkedHashSet<>();
        for (Object r : rows) {
            cols.addAll(orderedKeys((Map<?, ?>) r));
        }
        List<Object> columns = new ArrayList<>(cols);
        List<List<String>> cells = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (Object c : columns) {
            header.add(String.valueOf(c).toUpperCase(Locale.ROOT));
        }
        cells.add(header);
        for (Object r : rows) {
            Map<?, ?> m = (Map<?, ?>) r;
            List<String> line = new ArrayList<>();
            for (Object c : columns) {
                Object v = m.get(c);
                line.add(!m.containsKey(c) ? "-" : v instanceof List ? joined((List<?>) v) : scalar(v));
            }
            cells.add(line);
        }
        writeTable(cells, indent, sb);
    }

    /** Writes aligned columns separated by two spaces, without trailing blanks. */
    static void writeTable(List<List<String>> cells, int indent, StringBuilder sb) {
        int n = cells.get(0).size();
        int[] width = new int[n];
        for (List<String> row : cells) {
            for (int i = 0; i < n; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : cells) {
            StringBuilder line = new StringBuilder();
            pad(line, indent);
            for (int i = 0; i < n; i++) {
                line.append(row.get(i));
                if (i < n - 1) {
                    line.append(" ".repeat(width[i] - row.get(i).length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** Keys with scalars (and inline lists) first, {@code name} leading; otherwise as received. */
    private static List<Object> orderedKeys(Map<?, ?> map) {
        List<Object> first = new ArrayList<>();
        List<Object> later = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            boolean simple = isScalar(v) || v instanceof List && ((List<?>) v).isEmpty()
                    || v instanceof Map && ((Map<?, ?>) v).isEmpty()
                    || v instanceof List && inlineList((List<?>) v);
            if ("name".equals(e.getKey())) {
                first.add(0, e.getKey());
            } else {
                (simple ? first : later).add(e.getKey());
            }
        }
        first.addAll(later);
        return first;
    }

    private static boolean allMaps(List<?> list) {
        return !list.isEmpty() && list.stream().allMatch(o -> o instanceof Map);
    }

    /** Every object holds only scalars and short scalar lists: fit for a table. */
    private static boolean allFlat(List<?> list) {
        return list.stream().allMatch(o -> ((Map<?, ?>) o).values().stream()
                .allMatch(v -> isScalar(v) || v instanceof List && inlineList((List<?>) v)));
    }

    private static boolean inlineList(List<?> list) {
        if (!list.stream().allMatch(Renderer::isScalar)) {
            return false;
        }
        String j = joined(list);
        return j.length() <= MAX_INLINE_LIST && list.stream().noneMatch(o -> scalar(o).contains(","));
    }

    private static String joined(List<?> list) {
        return list.stream().map(Renderer::scalar).collect(Collectors.joining(", "));
    }

    static boolean isScalar(Object v) {
        return !(v instanceof Map) && !(v instanceof List);
    }

    private static String scalarOrEmpty(Object v) {
        if (v instanceof Map) {
            return "(empty)";
        }
        if (v instanceof List) {
            return "(none)";
        }
        return scalar(v);
    }

    /** A scalar as text: strings bare, numbers in plain notation. */
    static String scalar(Object v) {
        if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return String.valueOf(d);
            }
            return BigDecimal.valueOf(d).toPlainString();
        }
        return String.valueOf(v);
    }

    private static StringBuilder pad(StringBuilder sb, int indent) {
        for (int i = 0; i < indent; i++) {
            sb.append(' ');
        }
        return sb;
    }
}
