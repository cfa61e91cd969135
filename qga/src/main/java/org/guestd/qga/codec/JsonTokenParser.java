// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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

    private final TokenBuffer.Cursor in;

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

    private Object value() throws ParseError {
        if (!in.hasNext()) {
            throw error("premature EOI");
        }
        switch (in.peekType()) {
            case JsonLexer.LCURLY:
                return object();
            case JsonLexer.LSQUARE:
                return array();
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

    private Map<String, Object> object() throws ParseError {
        in.next(); // '{'
        Map<String, Object> dict = new LinkedHashMap<>();
        if (!in.hasNext()) {
            throw error("premature EOI");
        }
        if (in.peekType() == JsonLexer.RCURLY) {
            in.next();
            return dict;
        }
        pair(dict);
        popOrEoi();
        while (in.type() != JsonLexer.RCURLY) {
            if (in.type() != JsonLexer.COMMA) {
                throw error("expected separator in dict");
            }
            pair(dict);
            popOrEoi();
        }
        return dict;
    }

    private void pair(Map<String, Object> dict) throws ParseError {
        if (!in.hasNext()) {
            throw error("premature EOI");
        }
        Object key = value();
        if (!(key instanceof String)) {
            throw error("key is not a string in object");
        }
        popOrEoi();
        if (in.type() != JsonLexer.COLON) {
            throw error("missing : in object pair");
        }
        Object v = value();
        if (dict.containsKey(key)) {
            throw error("duplicate key");
        }
        dict.put((String) key, v);
    }

    private List<Object> array() throws ParseError {
        in.next(); // '['
        List<Object> list = new ArrayList<>();
        if (!in.hasNext()) {
            throw error("premature EOI");
        }
        if (in.peekType() == JsonLexer.RSQUARE) {
            in.next();
            return list;
        }
        list.add(value());
        popOrEoi();
        while (in.type() != JsonLexer.RSQUARE) {
            if (in.type() != JsonLexer.COMMA) {
                throw error("expected separator in list");
            }
            list.add(value());
            popOrEoi();
        }
        return list;
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
