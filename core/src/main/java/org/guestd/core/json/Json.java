// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * guestd's JSON value model and writer. Values are plain Java objects: {@link Map} (insertion
 * ordered, String keys) for objects, {@link List} for arrays, {@link String}, {@link Boolean},
 * {@link Long}/{@link Integer}/{@link BigInteger} for integers, {@link Double} for other numbers,
 * and {@code null}.
 *
 * <p>The writer produces exactly qemu-ga's byte format ({@code qobject_to_json}): {@code ", "}
 * between members and elements, {@code ": "} after keys, {@code "} {@code \\} {@code \b \f \n \r \t}
 * escaped, every other code point below 0x20 or from 0x7F up as {@code \\uXXXX} with upper-case
 * hex (non-BMP as a surrogate pair), {@code /} not escaped, doubles as C's {@code %.17g}.
 */
public final class Json {
    private Json() {}

    /** An ordered object from alternating keys and values: {@code obj("a", 1, "b", "x")}. */
    public static Map<String, Object> obj(Object... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of arguments");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Serialises {@code value} on one line in qemu-ga's format. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(64);
        write(value, sb);
        return sb.toString();
    }

    public static void write(Object value, StringBuilder sb) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String) {
            writeString((String) value, sb);
        } else if (value instanceof Boolean) {
            sb.append(((Boolean) value) ? "true" : "false");
        } else if (value instanceof JsonText) {
            sb.append(((JsonText) value).text());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            sb.append(value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            sb.append(formatDouble(((Number) value).doubleValue()));
        } else if (value instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                writeString((String) e.getKey(), sb);
                sb.append(": ");
                write(e.getValue(), sb);
            }
            sb.append('}');
        } else if (value instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object o : (List<?>) value) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                write(o, sb);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public static void writeString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c >= 0x20 && c < 0x7F) {
                        sb.append(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        // a non-BMP code point: qemu writes its surrogate pair
                        int cp = s.codePointAt(i++);
                        hex(noncharacter(cp) ? 0xFFFD : c, sb);
                        if (!noncharacter(cp)) {
                            hex(s.charAt(i), sb);
                        }
                    } else if (Character.isSurrogate(c) || noncharacter(c)) {
                        hex(0xFFFD, sb); // qemu's to_json: invalid code points become U+FFFD
                    } else {
                        hex(c, sb);
                    }
            }
        }
        sb.append('"');
    }

    private static void hex(int c, StringBuilder sb) {
        sb.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }

    /** Unicode noncharacters: U+FDD0..U+FDEF and the last two code points of every plane. */
    private static boolean noncharacter(int cp) {
        return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    /** C's {@code printf("%.17g", d)}, which qemu uses for doubles. */
    public static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(d).round(new MathContext(17));
        int exp = bd.precision() - bd.scale() - 1; // decimal exponent of the leading digit
        if (exp < -4 || exp >= 17) {
            BigDecimal mant = bd.movePointLeft(exp).stripTrailingZeros();
            String m = mant.toPlainString();
            String e = String.valueOf(Math.abs(exp));
            return m + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        String plain = bd.toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = plain.replaceAll("0+$", "");
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return plain;
    }

    /** Integer view of a JSON number, or null when it is not an integer that fits a long. */
    public static Long asLong(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        return null;
    }
}
