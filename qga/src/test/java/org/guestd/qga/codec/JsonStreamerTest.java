// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;
import org.guestd.qga.testing.SmallStack;
import org.junit.jupiter.api.Test;

class JsonStreamerTest {
    private static final String EXPECTING_VALUE = "E:JSON parse error, expecting value";

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void requestSplitAtEveryPointGivesTheSameSingleValue() {
        String req = "{\"execute\": \"guest-sync\", \"arguments\": {\"id\": -12345, 'x': [1.5e3, true, null,"
                + " \"\\u00e9\\ud83d\\ude00\\\"\"]}}";
        byte[] b = (req + "\n").getBytes(StandardCharsets.UTF_8);
        Object expected = Collector.parse(req + "\n").get(0);
        assertInstanceOf(Map.class, expected);
        for (int i = 0; i <= b.length; i++) {
            Collector c = new Collector();
            c.feed(Arrays.copyOfRange(b, 0, i));
            c.feed(Arrays.copyOfRange(b, i, b.length));
            assertEquals(List.of(expected), c.events, "split at " + i);
        }
        Collector oneByOne = new Collector();
        for (byte x : b) {
            oneByOne.feed(new byte[] {x});
        }
        assertEquals(List.of(expected), oneByOne.events);
        assertEquals("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": -12345, \"x\": [1500, true, null, "
                + "\"\\u00E9\\uD83D\\uDE00\\\"\"]}}", Json.write(expected));
    }

    @Test
    void backToBackMessagesWithoutSeparators() {
        List<Object> ev = Collector.parse("{\"a\":1}{\"b\":2}[3]\"x\"{}");
        assertEquals(List.of(Map.of("a", 1L), Map.of("b", 2L), List.of(3L), "x", Map.of()), ev);
    }

    @Test
    void objectCompleteWithoutNewlineButScalarsWaitForTheNextByte() {
        Collector c = new Collector().feed("{\"execute\":\"guest-ping\"}");
        assertEquals(1, c.events.size());
        c.feed("42");
        assertEquals(1, c.events.size(), "a number ends only when the next byte arrives");
        c.feed("\n");
        assertEquals(List.of(Map.of("execute", "guest-ping"), 42L), c.events);
        c.feed("true");
        assertEquals(2, c.events.size());
        c.feed(" ");
        assertEquals(Boolean.TRUE, c.events.get(2));
    }

    @Test
    void whitespaceOnlyProducesNothing() {
        assertEquals(List.of(), Collector.parse("\n\n  \r\n\t \n"));
    }

    @Test
    void sentinelInTheMiddleOfARequestDropsItAndResets() {
        Collector c = new Collector().feed("{\"execute\": ");
        c.feedBytes(0xFF);
        c.feed("{\"execute\": \"guest-ping\"}");
        assertEquals(List.of("E:JSON parse error, stray '\uFFFD'", Map.of("execute", "guest-ping")), c.events);
        // 0xFE too; inside a string the partial token is part of the message
        assertEquals("E:JSON parse error, stray '\"ab\uFFFD'",
                new Collector().feed("[\"ab").feedBytes(0xFE).events.get(0));
        assertEquals(List.of("E:JSON parse error, stray '\"guest-sy\uFFFD'", Map.of("execute", "guest-ping")),
                new Collector().feed("{\"execute\": \"guest-sy").feedBytes(0xFF)
                        .feed("{\"execute\": \"guest-ping\"}").events);
    }

    @Test
    void lexerRecoverySkipsToTheNextStructuralCharacter() {
        assertEquals(List.of("E:JSON parse error, stray '-p'", EXPECTING_VALUE),
                Collector.parse("{\"execute\": guest-ping}\n"));
        assertEquals(List.of("E:JSON parse error, invalid keyword 'hello'",
                "E:JSON parse error, invalid keyword 'world'"), Collector.parse("hello world\n"));
        assertEquals(List.of("E:JSON parse error, stray '01'"), Collector.parse("01 "));
        assertEquals(List.of("E:JSON parse error, stray '1.x'"), Collector.parse("1.x"));
        assertEquals(List.of("E:JSON parse error, stray 'T'"), Collector.parse("True "));
        // a control character ends a string with an error; the rest of the line is skipped
        assertEquals(List.of("E:JSON parse error, stray '\"ab\n'"), Collector.parse("\"ab\ncd\" "));
        // NUL: the C message is cut at the NUL byte
        assertEquals(List.of("E:JSON parse error, stray ''", "E:JSON parse error, stray ''"),
                new Collector().feedBytes(0, 0).events);
        // recovery resumes at '{' and the object parses
        assertEquals(List.of("E:JSON parse error, stray '%'", Map.of("a", 1L)), Collector.parse("%garbage{\"a\":1}"));
    }

    @Test
    void parserErrorsHaveQemuTexts() {
        assertEquals(List.of("E:JSON parse error, duplicate key"), Collector.parse("{\"a\":1,\"a\":2}"));
        assertEquals(List.of("E:JSON parse error, missing : in object pair"), Collector.parse("{\"a\" 1}"));
        assertEquals(List.of("E:JSON parse error, key is not a string in object"), Collector.parse("{1:2}"));
        assertEquals(List.of("E:JSON parse error, key is not a string in object"), Collector.parse("{null:2}"));
        assertEquals(List.of("E:JSON parse error, expected separator in list"), Collector.parse("[1 2]"));
        assertEquals(List.of("E:JSON parse error, expected separator in dict"), Collector.parse("{\"a\":1 \"b\":2}"));
        assertEquals(List.of("E:JSON parse error, expected separator in dict"), Collector.parse("{\"a\":1]"));
        assertEquals(List.of(EXPECTING_VALUE), Collector.parse("[1,]"));
        assertEquals(List.of(EXPECTING_VALUE), Collector.parse("{\"a\":1,}"));
        assertEquals(List.of(EXPECTING_VALUE), Collector.parse("{\"a\":}"));
        assertEquals(List.of(EXPECTING_VALUE, EXPECTING_VALUE), Collector.parse("}]"));
        assertEquals(List.of(EXPECTING_VALUE), Collector.parse(","));
        // ']' closes the brackets while '{' is still open: the message continues until '}'
        assertEquals(List.of(EXPECTING_VALUE), Collector.parse("[{]}"));
        assertEquals(List.of(EXPECTING_VALUE), Collector.parse("[}"));
        // only the first error of a message counts, and the next message is parsed afresh
        assertEquals(List.of("E:JSON parse error, missing : in object pair", Map.of("x", List.of())),
                Collector.parse("{\"a\" 1, 2 3}{\"x\":[]}"));
    }

    @Test
    void longErrorMessagesAreCutLikeQemusBuffer() {
        String kw = "a".repeat(2000);
        String desc = (String) Collector.parse(kw + " ").get(0);
        assertEquals("E:JSON parse error, " + ("invalid keyword '" + kw + "'").substring(0, 1023), desc);
    }

    @Test
    void numbersFollowQnumRules() {
        List<?> v = (List<?>) Collector.parse("[9223372036854775807, 9223372036854775808,"
                + " 18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809,"
                + " -0, 0, 1.5, 1e3, 2E-2, -1.25e+2]").get(0);
        assertEquals(Long.MAX_VALUE, v.get(0));
        assertEquals(new BigInteger("9223372036854775808"), v.get(1));
        assertEquals(new BigInteger("18446744073709551615"), v.get(2));
        assertEquals(1.8446744073709552E19, v.get(3));
        assertEquals(Long.MIN_VALUE, v.get(4));
        assertEquals(-9.223372036854775808E18, v.get(5));
        assertEquals(0L, v.get(6));
        assertEquals(0L, v.get(7));
        assertEquals(List.of(1.5, 1000.0, 0.02, -125.0), v.subList(8, 12));
        assertEquals(List.of("E:JSON parse error, stray '-x'"), Collector.parse("-x"));
    }

    @Test
    void stringsAndEscapes() {
        assertEquals(List.of("it's \"q\""), Collector.parse("'it\\'s \"q\"'"));
        assertEquals(List.of("/\b\f\n\r\t\\'\""), Collector.parse("\"\\/\\b\\f\\n\\r\\t\\\\\\'\\\"\""));
        assertEquals(List.of("\u0000A\u00e9\ud83d\ude00"), Collector.parse("\"\\u0000\\u0041\\u00E9\\uD83D\\uDE00\""));
        assertEquals(List.of("E:JSON parse error, \\uD800 is not a valid Unicode character"),
                Collector.parse("\"\\uD800x\""));
        assertEquals(List.of("E:JSON parse error, \\uD800 is not a valid Unicode character"),
                Collector.parse("\"\\uD800\\u0041\""));
        assertEquals(List.of("E:JSON parse error, \\uDC00 is not a valid Unicode character"),
                Collector.parse("\"\\uDC00\""));
        assertEquals(List.of("E:JSON parse error, \\uFFFF is not a valid Unicode character"),
                Collector.parse("\"\\uFFFF\""));
        assertEquals(List.of("E:JSON parse error, \\uD83F\\uDFFE is not a valid Unicode character"),
                Collector.parse("\"\\uD83F\\uDFFE\""), "U+1FFFE is a noncharacter");
        assertEquals(List.of("E:JSON parse error, \\u12G4 is not a valid Unicode character"),
                Collector.parse("\"\\u12G4\""));
        assertEquals(List.of("E:JSON parse error, \\u1\" is not a valid Unicode character"),
                Collector.parse("\"\\u1\""));
        assertEquals(List.of("E:JSON parse error, invalid escape sequence in string"), Collector.parse("\"\\x\""));
    }

    @Test
    void utf8InsideStringsIsValidatedAsModifiedUtf8() {
        String invalid = "E:JSON parse error, invalid UTF-8 sequence in string";
        assertEquals(List.of(invalid), new Collector().feedBytes('"', 'g', 0xC3, '(', '"').events);
        assertEquals(List.of(invalid), new Collector().feedBytes('"', 0xC0, 0xAF, '"').events, "overlong");
        assertEquals(List.of(invalid), new Collector().feedBytes('"', 0xED, 0xA0, 0x80, '"').events, "surrogate");
        assertEquals(List.of(invalid), new Collector().feedBytes('"', 0xEF, 0xBF, 0xBE, '"').events, "noncharacter");
        assertEquals(List.of(invalid), new Collector().feedBytes('"', 0x80, '"').events, "lone continuation");
        assertEquals(List.of(invalid), new Collector().feedBytes('"', 0xF4, 0x90, 0x80, 0x80, '"').events, "> U+10FFFF");
        assertEquals(List.of("\u0000"), new Collector().feedBytes('"', 0xC0, 0x80, '"').events, "C0 80 is NUL");
        assertEquals(List.of("\u00e9\ud83d\ude00"),
                new Collector().feedBytes('"', 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, '"').events);
    }

    @Test
    void nestingLimitIs1024() {
        List<Object> ok = Collector.parse("[".repeat(1024) + "]".repeat(1024));
        assertEquals(1, ok.size());
        Object v = ok.get(0);
        int depth = 0;
        while (v instanceof List && !((List<?>) v).isEmpty()) {
            v = ((List<?>) v).get(0);
            depth++;
        }
        assertEquals(1023, depth);
        List<Object> bad = Collector.parse("[".repeat(1025) + "]".repeat(1025) + "\n");
        assertEquals(1026, bad.size());
        assertEquals("E:JSON nesting depth limit exceeded", bad.get(0));
        for (int i = 1; i < bad.size(); i++) {
            assertEquals(EXPECTING_VALUE, bad.get(i));
        }
        List<Object> objs = Collector.parse("{\"a\":".repeat(1024) + "1" + "}".repeat(1024));
        assertEquals(1, objs.size());
        assertInstanceOf(Map.class, objs.get(0));
        // braces and brackets count together
        assertEquals("E:JSON nesting depth limit exceeded",
                Collector.parse("{\"a\":".repeat(512) + "[".repeat(513)).get(0));
    }

    /** Nesting up to qemu's limit must not depend on the thread's stack size. */
    @Test
    void depth1024ParsesOnATinyThreadStack() throws Exception {
        String arrays = "[".repeat(1024) + "]".repeat(1024);
        String objects = "{\"a\":".repeat(1023) + "{}" + "}".repeat(1023);
        String mixed = "{\"k\": [".repeat(512) + "1" + "]}".repeat(512);
        String ping = "{\"execute\":\"guest-ping\",\"id\":" + "[".repeat(1000) + "]".repeat(1000) + "}";
        List<Object> ev = SmallStack.call(() -> Collector.parse(arrays + objects + mixed + ping));
        assertEquals(4, ev.size(), () -> ev.toString().substring(0, 200));
        Object a = List.of();
        for (int i = 0; i < 1023; i++) {
            a = List.of(a);
        }
        assertEquals(a, ev.get(0));
        Object o = Map.of();
        for (int i = 0; i < 1023; i++) {
            o = Map.of("a", o);
        }
        assertEquals(o, ev.get(1));
        Object m = 1L;
        for (int i = 0; i < 512; i++) {
            m = Map.of("k", List.of(m));
        }
        assertEquals(m, ev.get(2));
        Object id = List.of();
        for (int i = 0; i < 999; i++) {
            id = List.of(id);
        }
        assertEquals(Map.of("execute", "guest-ping", "id", id), ev.get(3));
        // errors deep inside keep qemu's texts and order
        assertEquals(List.of("E:JSON parse error, expecting value"),
                SmallStack.call(() -> Collector.parse("[".repeat(1000) + "1,]" + "]".repeat(999))));
        assertEquals(List.of("E:JSON parse error, key is not a string in object"),
                SmallStack.call(() -> Collector.parse("{\"a\":".repeat(900) + "{[1]:2}" + "}".repeat(900))));
        assertEquals(List.of("E:JSON parse error, duplicate key"),
                SmallStack.call(() -> Collector.parse("[".repeat(900) + "{\"x\":[[]],\"x\":2}" + "]".repeat(900))));
    }

    @Test
    void tokenCountLimitDropsTheMessageAndParsesTheRestAfresh() {
        // transcript 24d: "[1,1,...,1]" with 2^20+1 elements = 2^21+3 tokens
        StringBuilder sb = new StringBuilder(2_200_000).append('[');
        for (int i = 0; i < (1 << 20); i++) {
            sb.append("1,");
        }
        sb.append("1]\n");
        Collector c = new Collector().feed(sb.toString());
        assertEquals(List.of("E:JSON token count limit exceeded", 1L, EXPECTING_VALUE), c.events);
        // exactly 2^21 tokens fit: '[' + (2^20-2) x "1," + "[]" + ']'
        StringBuilder fits = new StringBuilder().append('[');
        for (int i = 0; i < (1 << 20) - 2; i++) {
            fits.append("1,");
        }
        fits.append("[]]");
        List<Object> ev = new Collector().feed(fits.toString()).events;
        assertEquals(1, ev.size(), () -> String.valueOf(ev.get(0)));
        assertEquals((1 << 20) - 1, ((List<?>) ev.get(0)).size());
    }

    @Test
    void tokenSizeLimitIs64MiBAndMemoryIsReleased() {
        // transcript 24c: a 64 MiB + 16 byte string token
        Collector c = new Collector().feed("{\"execute\": \"guest-sync\", \"arguments\": {\"id\": 1, \"x\": \"");
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'A');
        for (int i = 0; i < 64; i++) {
            c.feed(chunk);
        }
        c.feed("A".repeat(14) + "\"}}\n");
        assertEquals(List.of("E:JSON token size limit exceeded", "E:JSON parse error, stray 'A'",
                EXPECTING_VALUE, EXPECTING_VALUE), c.events);
        c.events.clear();
        c.feed("{\"execute\":\"guest-ping\"}");
        assertEquals(List.of(Map.of("execute", "guest-ping")), c.events);
        // a message whose tokens together pass the limit
        Collector d = new Collector().feed("[");
        String s = "\"" + "B".repeat((1 << 20) - 2) + "\",";
        for (int i = 0; i < 64; i++) {
            d.feed(s);
        }
        assertEquals("E:JSON token size limit exceeded", d.events.get(0));
    }

    @Test
    void resetDropsPartialInput() {
        Collector c = new Collector().feed("{\"execute\": \"gue");
        c.streamer.reset();
        c.feed("{\"a\":[1,");
        c.streamer.reset();
        c.feed("[2]");
        assertEquals(List.of(List.of(2L)), c.events);
    }

    @Test
    void directBuffersAreConsumedToo() {
        Collector c = new Collector();
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put(latin1("[1, 2]")).flip();
        c.streamer.feed(direct);
        assertTrue(!direct.hasRemaining());
        assertEquals(List.of(List.of(1L, 2L)), c.events);
        List<Object> sub = new ArrayList<>();
        JsonStreamer s = new JsonStreamer(new JsonStreamer.Listener() {
            @Override
            public void onValue(Object value) {
                sub.add(value);
            }

            @Override
            public void onError(String desc) {
                sub.add(desc);
            }
        });
        byte[] big = latin1("xx{\"k\": 'v'}yy");
        s.feed(big, 2, 12);
        assertEquals(List.of(Map.of("k", "v")), sub);
    }
}
