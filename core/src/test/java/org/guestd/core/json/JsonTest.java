// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesQemuGaSeparatorsAndEmpties() {
        assertEquals("{\"return\": {}, \"id\": 1}", Json.write(Json.obj("return", Map.of(), "id", 1L)));
        assertEquals("{\"return\": []}", Json.write(Json.obj("return", List.of())));
        assertEquals("[1, \"a\", true, null, {\"x\": [1, 2]}]",
                Json.write(Arrays.asList(1L, "a", true, null, Json.obj("x", List.of(1, 2)))));
    }

    /** Escapes as qemu's qobject_to_json (qga-protocol.md A.13): upper-case hex, / not escaped. */
    @Test
    void escapesLikeQemu() {
        assertEquals("\"a\\\"b\\\\c\\b\\f\\n\\r\\t/\"", Json.write("a\"b\\c\b\f\n\r\t/"));
        assertEquals("\"\\u0001\\u001F\\u007F\\u00E9\\uFFFD\"", Json.write("\u0001\u001f\u007f\u00e9\ufffd"));
        assertEquals("\"\\uD83D\\uDE00\"", Json.write("\uD83D\uDE00"));
        // lone surrogates and noncharacters are invalid code points: U+FFFD, as qemu's to_json
        assertEquals("\"\\uFFFDx\\uFFFD\\uFFFD\\uFFFD\"", Json.write("\uD800x\uDC00\uFFFE\uFDD0"));
        assertEquals("\"\\uFFFD\"", Json.write("\uD83F\uDFFF")); // U+1FFFF
        assertEquals("\"JSON parse error, stray '\\uFFFD'\"", Json.write("JSON parse error, stray '\uFFFD'"));
    }

    @Test
    void formatsDoublesAsPercent17g() {
        assertEquals("0.5", Json.formatDouble(0.5));
        assertEquals("1.1000000000000001", Json.formatDouble(1.1));
        assertEquals("1", Json.formatDouble(1.0));
        assertEquals("1700000000.123456", Json.formatDouble(1700000000.123456));
        assertEquals("1e+20", Json.formatDouble(1e20));
        assertEquals("1.0000000000000001e-05", Json.formatDouble(0.00001));
        assertEquals("0.0001", Json.formatDouble(0.0001));
        assertEquals("-2.5", Json.formatDouble(-2.5));
        assertEquals("0", Json.formatDouble(0.0));
        assertEquals("12345678901234568", Json.formatDouble(12345678901234567.0)); // as glibc printf
        assertEquals("1.2345678901234568e+17", Json.formatDouble(123456789012345678.0));
    }

    @Test
    void readerRoundTripsAndTypesNumbers() {
        Object v = JsonReader.parse(" {\"a\": [1, -2, 3.5, 1e3, 18446744073709551615, \"x\\u00e9\\n\"], \"b\": null, \"c\": false} ");
        Map<?, ?> m = (Map<?, ?>) v;
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(-2L, a.get(1));
        assertEquals(3.5, a.get(2));
        assertEquals(1000.0, a.get(3));
        assertEquals(new BigInteger("18446744073709551615"), a.get(4));
        assertEquals("x\u00e9\n", a.get(5));
        assertEquals(Boolean.FALSE, m.get("c"));
        assertEquals(Json.write(v), Json.write(JsonReader.parse(Json.write(v))));
    }

    @Test
    void readerRejectsMalformedText() {
        for (String bad : new String[] {"{", "{\"a\" 1}", "[1,]", "tru", "{\"a\":1} x", "\"\u0001\"", "'a'"}) {
            assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
        }
    }

    @Test
    void nestingThatOutrunsTheStackIsAnErrorNotAStackOverflow() throws Exception {
        // a 64 KiB stack runs out long before the depth limit: the caller still gets the parse error
        String deep = "[".repeat(1000) + "]".repeat(1000);
        Throwable[] seen = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                JsonReader.parse(deep);
            } catch (Throwable e) {
                seen[0] = e;
            }
        }, "small-stack", 64 * 1024);
        t.start();
        t.join();
        assertTrue(seen[0] instanceof IllegalArgumentException, String.valueOf(seen[0]));
        assertTrue(seen[0].getMessage().startsWith("JSON: nesting too deep"),
                seen[0].getMessage());
        // and on an ordinary stack the limit answers first
        String tooDeep = "[".repeat(JsonReader.MAX_DEPTH + 2) + "]".repeat(JsonReader.MAX_DEPTH + 2);
        assertEquals("JSON: nesting too deep at offset 1025",
                assertThrows(IllegalArgumentException.class,
                        () -> JsonReader.parse(tooDeep)).getMessage());
    }
}
