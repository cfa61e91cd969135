// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

/**
 * qemu's JSON lexer ({@code qobject/json-lexer.c}) as a byte-at-a-time state machine, with the
 * agent's settings (no {@code %} interpolation). Tokens are handed to a {@link Sink}.
 *
 * <p>Rules reproduced from qemu: numbers and keywords end only when the next byte arrives (a
 * trailing {@code 42} is pending until something follows it); strings may use single quotes; bytes
 * 0x00–0x1F and 0xFE/0xFF are never part of a token. A byte that cannot continue the current token
 * is an error: the token so far <em>including</em> that byte is reported, and the lexer then skips
 * input until a structural character ({@code [ ] { } : ,}), a control character other than TAB, or
 * 0xFE/0xFF, which starts a new token. A token that grows beyond {@link #MAX_TOKEN_SIZE} bytes is
 * reported as too large and dropped; lexing resumes at the next byte in the start state.
 */
final class JsonLexer {
    /** qemu's MAX_TOKEN_SIZE: 64 MiB. */
    static final int MAX_TOKEN_SIZE = 64 << 20;

    // Token types handed to the sink (values are outside the state range).
    static final int LCURLY = 32;
    static final int RCURLY = 33;
    static final int LSQUARE = 34;
    static final int RSQUARE = 35;
    static final int COLON = 36;
    static final int COMMA = 37;
    static final int INTEGER = 38;
    static final int FLOAT = 39;
    static final int KEYWORD = 40;
    static final int STRING = 41;

    /** Receives the lexer's output. */
    interface Sink {
        /** A complete token; {@code text} holds exactly its bytes and is only valid during the call. */
        void token(int type, Bytes text);

        /** An invalid byte: {@code text} is the token so far including the offending byte. */
        void error(Bytes text);

        /** A token passed {@link #MAX_TOKEN_SIZE} bytes. */
        void tooLarge();
    }

    private static final int ERROR = 0;
    private static final int RECOVERY = 1;
    private static final int DQ_ESCAPE = 2;
    private static final int DQ = 3;
    private static final int SQ_ESCAPE = 4;
    private static final int SQ = 5;
    private static final int ZERO = 6;
    private static final int EXP_DIGITS = 7;
    private static final int EXP_SIGN = 8;
    private static final int EXP_E = 9;
    private static final int MANTISSA = 10;
    private static final int MANTISSA_DIGITS = 11;
    private static final int DIGITS = 12;
    private static final int SIGN = 13;
    private static final int IN_KEYWORD = 14;
    private static final int START = 15;
    private static final int STATES = 16;
    /** Flag on a transition: the byte is not consumed but looked at again in the new state. */
    private static final int LOOKAHEAD = 0x80;

    private static final byte[][] TABLE = buildTable();

    private final Sink sink;
    private final Bytes token = new Bytes(MAX_TOKEN_SIZE + 1);
    private int state = START;

    JsonLexer(Sink sink) {
        this.sink = sink;
    }

    /** Forgets any partial token. */
    void reset() {
        token.clear();
        state = START;
    }

    void feed(byte b) {
        int ch = b & 0xFF;
        boolean consumed = false;
        while (!consumed) {
            int next = TABLE[state][ch] & 0xFF;
            consumed = (next & LOOKAHEAD) == 0;
            next &= ~LOOKAHEAD;
            if (consumed) {
                token.append(b);
            }
            if (next >= LCURLY) {
                sink.token(next, token);
                token.clear();
                next = START;
            } else if (next == START || next == RECOVERY) {
                token.clear();
            } else if (next == ERROR) {
                sink.error(token);
                token.clear();
                next = RECOVERY;
            }
            state = next;
        }
        if (token.length() > MAX_TOKEN_SIZE) {
            sink.tooLarge();
            token.clear();
            state = START;
        }
    }

    private static byte[][] buildTable() {
        byte[][] t = new byte[STATES][256];
        // Error recovery: skip until a resynchronisation point, then re-read it in START.
        fill(t[RECOVERY], 0x00, 0x1F, START | LOOKAHEAD);
        fill(t[RECOVERY], 0x20, 0xFD, RECOVERY);
        fill(t[RECOVERY], 0xFE, 0xFF, START | LOOKAHEAD);
        set(t[RECOVERY], "\t", RECOVERY);
        set(t[RECOVERY], "[]{}:,", START | LOOKAHEAD);
        // Strings: any byte 0x20..0xFD, a backslash takes the next such byte whatever it is.
        fill(t[DQ_ESCAPE], 0x20, 0xFD, DQ);
        fill(t[DQ], 0x20, 0xFD, DQ);
        set(t[DQ], "\\", DQ_ESCAPE);
        set(t[DQ], "\"", STRING);
        fill(t[SQ_ESCAPE], 0x20, 0xFD, SQ);
        fill(t[SQ], 0x20, 0xFD, SQ);
        set(t[SQ], "\\", SQ_ESCAPE);
        set(t[SQ], "'", STRING);
        // Numbers.
        fill(t[ZERO], 0x00, 0xFF, INTEGER | LOOKAHEAD);
        fill(t[ZERO], '0', '9', ERROR);
        set(t[ZERO], ".", MANTISSA);
        fill(t[EXP_DIGITS], 0x00, 0xFF, FLOAT | LOOKAHEAD);
        fill(t[EXP_DIGITS], '0', '9', EXP_DIGITS);
        fill(t[EXP_SIGN], '0', '9', EXP_DIGITS);
        set(t[EXP_E], "-+", EXP_SIGN);
        fill(t[EXP_E], '0', '9', EXP_DIGITS);
        fill(t[MANTISSA_DIGITS], 0x00, 0xFF, FLOAT | LOOKAHEAD);
        fill(t[MANTISSA_DIGITS], '0', '9', MANTISSA_DIGITS);
        set(t[MANTISSA_DIGITS], "eE", EXP_E);
        fill(t[MANTISSA], '0', '9', MANTISSA_DIGITS);
        fill(t[DIGITS], 0x00, 0xFF, INTEGER | LOOKAHEAD);
        fill(t[DIGITS], '0', '9', DIGITS);
        set(t[DIGITS], "eE", EXP_E);
        set(t[DIGITS], ".", MANTISSA);
        set(t[SIGN], "0", ZERO);
        fill(t[SIGN], '1', '9', DIGITS);
        // Keywords: [a-z]+; the parser rejects all but true/false/null.
        fill(t[IN_KEYWORD], 0x00, 0xFF, KEYWORD | LOOKAHEAD);
        fill(t[IN_KEYWORD], 'a', 'z', IN_KEYWORD);
        // Start of a token.
        set(t[START], "\"", DQ);
        set(t[START], "'", SQ);
        set(t[START], "0", ZERO);
        fill(t[START], '1', '9', DIGITS);
        set(t[START], "-", SIGN);
        set(t[START], "{", LCURLY);
        set(t[START], "}", RCURLY);
        set(t[START], "[", LSQUARE);
        set(t[START], "]", RSQUARE);
        set(t[START], ",", COMMA);
        set(t[START], ":", COLON);
        fill(t[START], 'a', 'z', IN_KEYWORD);
        set(t[START], " \t\r\n", START);
        return t;
    }

    private static void fill(byte[] row, int from, int to, int value) {
        for (int c = from; c <= to; c++) {
            row[c] = (byte) value;
        }
    }

    private static void set(byte[] row, String chars, int value) {
        for (int i = 0; i < chars.length(); i++) {
            row[chars.charAt(i)] = (byte) value;
        }
    }
}
