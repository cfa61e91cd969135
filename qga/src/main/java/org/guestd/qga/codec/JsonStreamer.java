// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import java.nio.ByteBuffer;

/**
 * Splits a byte stream into JSON messages exactly as qemu-ga's parser does
 * ({@code qobject/json-streamer.c} on top of {@link JsonLexer} and {@code json-parser.c}).
 *
 * <p>A message ends as soon as the braces and brackets it opened are balanced (or a closer
 * appears without an opener), independent of newlines and of how the bytes were chunked. Every
 * message yields exactly one {@link Listener#onValue} or {@link Listener#onError}. A lexer error
 * (for example a 0xFF byte) drops the pending partial message and yields
 * {@code JSON parse error, stray '…'}. The limits are qemu's: {@link #MAX_TOKEN_SIZE} bytes of
 * token text per message, {@link #MAX_TOKEN_COUNT} tokens per message, {@link #MAX_NESTING} open
 * brackets; the token that breaks a limit is dropped together with the pending message and the
 * rest of the input is parsed afresh (hence one error per left-over closing bracket).
 *
 * <p>State is kept between {@link #feed} calls; use one instance per connection, from one thread
 * at a time. Memory stays below the limits: the pending message is held as packed token bytes.
 */
public final class JsonStreamer {
    /** Most bytes of token text in one message (and in one token): 64 MiB. */
    public static final int MAX_TOKEN_SIZE = JsonLexer.MAX_TOKEN_SIZE;
    /** Most tokens in one message: 2 Mi. */
    public static final int MAX_TOKEN_COUNT = 2 << 20;
    /** Deepest nesting of objects and arrays: 1024. */
    public static final int MAX_NESTING = 1 << 10;

    /** Receives each message's outcome, in stream order, on the thread calling {@link #feed}. */
    public interface Listener {
        /**
         * A complete JSON value: {@link java.util.Map} (insertion ordered), {@link java.util.List},
         * String, Long, {@link java.math.BigInteger}, Double, Boolean or null.
         */
        void onValue(Object value);

        /** A message that failed; {@code desc} is qemu-ga's error text. */
        void onError(String desc);
    }

    private final Listener listener;
    private final JsonLexer lexer;
    private final TokenBuffer tokens = new TokenBuffer();
    private int braces;
    private int brackets;
    private long tokenSize;
    private long lastMessageSize;

    public JsonStreamer(Listener listener) {
        this.listener = listener;
        this.lexer = new JsonLexer(new JsonLexer.Sink() {
            @Override
            public void token(int type, Bytes text) {
                onToken(type, text);
            }

            @Override
            public void error(Bytes text) {
                emitError("JSON parse error, stray '" + ModUtf8.cString(text.array(), 0, text.length()) + "'");
            }

            @Override
            public void tooLarge() {
                emitError("JSON token size limit exceeded");
            }
        });
    }

    /**
     * Feeds the buffer's remaining bytes (its position moves to the limit). If the listener or the
     * parser throws (e.g. OutOfMemoryError), the position is just past the byte being handled, so
     * a caller can {@link #reset} and feed the rest.
     */
    public void feed(ByteBuffer data) {
        if (data.hasArray()) {
            byte[] a = data.array();
            int base = data.arrayOffset();
            int i = base + data.position();
            int end = base + data.limit();
            try {
                while (i < end) {
                    lexer.feed(a[i++]);
                }
            } finally {
                data.position(i - base);
            }
        } else {
            while (data.hasRemaining()) {
                lexer.feed(data.get());
            }
        }
    }

    /** Feeds {@code len} bytes of {@code data} from {@code off}. */
    public void feed(byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            lexer.feed(data[i]);
        }
    }

    /** Drops any partial token and message, as if the stream had just begun. */
    public void reset() {
        lexer.reset();
        clear();
    }

    /** Bytes of token text in the message last reported (for callers that weigh queued work). */
    public long lastMessageSize() {
        return lastMessageSize;
    }

    private void onToken(int type, Bytes text) {
        switch (type) {
            case JsonLexer.LCURLY: braces++; break;
            case JsonLexer.RCURLY: braces--; break;
            case JsonLexer.LSQUARE: brackets++; break;
            case JsonLexer.RSQUARE: brackets--; break;
            default: break;
        }
        if (tokenSize + text.length() + 1 > MAX_TOKEN_SIZE) {
            emitError("JSON token size limit exceeded");
            return;
        }
        if (tokens.count() + 1 > MAX_TOKEN_COUNT) {
            emitError("JSON token count limit exceeded");
            return;
        }
        if (brackets + braces > MAX_NESTING) {
            emitError("JSON nesting depth limit exceeded");
            return;
        }
        tokens.add(type, text);
        tokenSize += text.length();
        if ((braces > 0 || brackets > 0) && braces >= 0 && brackets >= 0) {
            return; // message still open
        }
        Object value;
        try {
            value = JsonTokenParser.parse(tokens);
        } catch (JsonTokenParser.ParseError e) {
            emitError(e.desc);
            return;
        }
        lastMessageSize = tokenSize;
        clear();
        listener.onValue(value);
    }

    private void emitError(String desc) {
        lastMessageSize = tokenSize;
        clear();
        listener.onError(desc);
    }

    private void clear() {
        braces = 0;
        brackets = 0;
        tokens.clear();
        tokenSize = 0;
    }
}
