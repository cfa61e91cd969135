// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one message's tokens into a value, as qemu's {@code qobject/json-parser.c} does, with the
 * same error texts and the same rule that only the first error counts. Integers become
 * {@link Long}, non-negative integers beyond int64 that fit uint64 {@link BigInteger}, anything
 * else {@link Double}; {@code null} is Java null; objects are insertion-ordered maps.
 */
final class JsonTokenParser {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    /** qemu formats parse errors into a 1024-byte buffer. */
    private static final int MESSAGE_MAX = 1023;

    /** The first parse error of a message; {@link #desc} is the full reply text. */
    static final class ParseError extends Exception {
        private static final long serialVersionUID = 1L;
        final String desc;

        ParseError(String desc) {
            super(desc, null, false, false);
            this.desc = desc;
        }
    }

    /** An object or array being filled; the parser keeps these on its own stack, not the thread's. */
    private static final class Open {
        final Map<String, Object> dict; // null for an array
        final List<Object> list; // null for an object
        String key; // an object's member whose value is being parsed; null while parsing a key

        Open(Map<String, Object> dict, List<Object> list) {
            this.dict = dict;
            this.list = list;
        }
    }

    /** Marks that {@link #scalarOrOpen} pushed a non-empty container. */
    private static final Object OPENED = new Object();

    private final TokenBuffer.Cursor in;
    private final ArrayDeque<Open> stack = new ArrayDeque<>();

    private JsonTokenParser(TokenBuffer tokens) {
        this.in = tokens.cursor();
    }

    /** Parses the message in {@code tokens}. */
    static Object parse(TokenBuffer tokens) throws ParseError {
        return new JsonTokenParser(tokens).value();
    }

    private static ParseError error(String message) {
        return error(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ParseError error(byte[] message) {
        int n = Math.min(message.length, MESSAGE_MAX);
        return new ParseError("JSON parse error, " + ModUtf8.cString(message, 0, n));
    }

    /**
     * qemu's recursive descent ({@code parse_value}, {@code parse_object}, {@code parse_pair},
     * {@code parse_array}) unrolled onto an explicit stack, so that nesting up to the streamer's
     * limit never depends on the thread's stack size. The checks happen in the same order as in
     * the recursive form, so the first error, and thus its text, is the same.
     */
    private Object value() throws ParseError {
        while (true) {
            Object v = scalarOrOpen();
            if (v == OPENED) {
                continue; // parse the first key or element of the container just opened
            }
            while (true) { // hand the finished value to the containers it completes
                Open top = stack.peek();
                if (top == null) {
                    return v;
                }
                if (top.list != null) {
                    top.list.add(v);
                    popOrEoi();
                    if (in.type() == JsonLexer.RSQUARE) {
                        stack.pop();
                        v = top.list;
                        continue;
                    }
                    if (in.type() != JsonLexer.COMMA) {
                        throw error("expected separator in list");
                    }
                    break; // the next element
                }
                if (top.key == null) { // v is a member's key
                    if (!(v instanceof String)) {
                        throw error("key is not a string in object");
                    }
                    popOrEoi();
                    if (in.type() != JsonLexer.COLON) {
                        throw error("missing : in object pair");
                    }
                    top.key = (String) v;
                    break; // the member's value
                }
                if (top.dict.containsKey(top.key)) {
                    throw error("duplicate key");
                }
                top.dict.put(top.key, v);
                top.key = null;
                popOrEoi();
                if (in.type() == JsonLexer.RCURLY) {
                    stack.pop();
                    v = top.dict;
                    continue;
                }
                if (in.type() != JsonLexer.COMMA) {
                    throw error("expected separator in dict");
                }
                break; // the next key
            }
        }
    }

    /**
     * Starts a value: returns a scalar or an empty container whole, or pushes a non-empty
     * container and returns {@link #OPENED}.
     */
    private Object scalarOrOpen() throws ParseError {
        if (!in.hasNext()) {
            throw error("premature EOI");
        }
        switch (in.peekType()) {
            case JsonLexer.LCURLY:
                in.next();
                if (!in.hasNext()) {
                    throw error("premature EOI");
                }
                if (in.peekType() == JsonLexer.RCURLY) {
                    in.next();
                    return new LinkedHashMap<String, Object>();
                }
                stack.push(new Open(new LinkedHashMap<>(), null));
                return OPENED;
            case JsonLexer.LSQUARE:
                in.next();
                if (!in.hasNext()) {
                    throw error("premature EOI");
                }
                if (in.peekType() == JsonLexer.RSQUARE) {
                    in.next();
                    return new ArrayList<Object>();
                }
                stack.push(new Open(null, new ArrayList<>()));
                return OPENED;
            case JsonLexer.INTEGER:
            case JsonLexer.FLOAT:
            case JsonLexer.STRING:
                return literal();
            case JsonLexer.KEYWORD:
                return keyword();
            default:
                throw error("expecting value");
        }
    }

    private void popOrEoi() throws ParseError {
        if (!in.hasNext()) {
            throw error("premature EOI");
        }
        in.next();
    }

    private Object keyword() throws ParseError {
        in.next();
        String k = in.ascii();
        switch (k) {
            case "true": return Boolean.TRUE;
            case "false": return Boolean.FALSE;
            case "null": return null;
            default: throw error("invalid keyword '" + k + "'");
        }
    }

    private Object literal() throws ParseError {
        in.next();
        switch (in.type()) {
            case JsonLexer.STRING:
                return string(in.array(), in.offset(), in.length());
            case JsonLexer.INTEGER:
                return integer(in.ascii());
            default:
                return Double.parseDouble(in.ascii());
        }
    }

    /** int64 if possible, else uint64 for non-negative text, else a double (qemu's QNum rules). */
    static Object integer(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            // out of int64 range
        }
        if (text.charAt(0) != '-') {
            BigInteger b = new BigInteger(text);
            if (b.compareTo(UINT64_MAX) <= 0) {
                return b;
            }
        }
        return Double.parseDouble(text);
    }

    /** qemu's {@code parse_string}: escapes (incl. surrogate pairs), then modified UTF-8. */
    static String string(byte[] a, int off, int len) throws ParseError {
        int end = off + len; // token end; the last byte is the closing quote
        byte quote = a[off];
        int p = off + 1;
        StringBuilder sb = new StringBuilder(len);
        int[] next = new int[1];
        while (a[p] != quote) {
            if (a[p] == '\\') {
                int beg = p++;
                byte e = p < end ? a[p++] : 0;
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\'': sb.append('\''); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': {
                        int cp = hex4(a, p, end);
                        p += 4;
                        if (cp >= 0xD800 && cp <= 0xDBFF && byteAt(a, p, end) == '\\'
                                && byteAt(a, p + 1, end) == 'u') {
                            cp = 0x10000 + ((cp & 0x3FF) << 10);
                            int trailing = hex4(a, p + 2, end);
                            if (trailing >= 0xDC00 && trailing <= 0xDFFF) {
                                cp |= trailing & 0x3FF;
                                p += 6;
                            } else {
                                cp = -1;
                            }
                        }
                        if (!ModUtf8.isValidCodepoint(cp)) {
                            throw invalidCharacter(a, beg, p - beg, end);
                        }
                        sb.appendCodePoint(cp);
                        break;
                    }
                    default:
                        throw error("invalid escape sequence in string");
                }
            } else {
                int cp = ModUtf8.codepoint(a, p, end, next);
                if (cp < 0) {
                    throw error("invalid UTF-8 sequence in string");
                }
                p = next[0];
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private static int byteAt(byte[] a, int p, int end) {
        return p < end ? a[p] : 0;
    }

    /** qemu's {@code cvt4hex}: four hex digits, or -1 at the first non-digit. */
    private static int hex4(byte[] a, int p, int end) {
        int cp = 0;
        for (int i = 0; i < 4; i++) {
            int c = byteAt(a, p + i, end);
            int d = Character.digit(c, 16);
            if (c > 0x7F || d < 0) {
                return -1;
            }
            cp = (cp << 4) | d;
        }
        return cp;
    }

    /** "%.*s is not a valid Unicode character", the escape text cut at the token's end. */
    private static ParseError invalidCharacter(byte[] a, int beg, int n, int end) {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        msg.write(a, beg, Math.max(0, Math.min(n, end - beg)));
        byte[] tail = " is not a valid Unicode character".getBytes(StandardCharsets.ISO_8859_1);
        msg.write(tail, 0, tail.length);
        return error(msg.toByteArray());
    }
}
