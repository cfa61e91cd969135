// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModUtf8Test {
    private static String c(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return ModUtf8.cString(b, 0, b.length);
    }

    @Test
    void invalidSequencesPrintAsReplacementCharactersLikeQemusWriter() {
        assertEquals("\uFFFD", c(0xFF));
        assertEquals("\uFFFD(", c(0xC3, '('), "missing continuation: only the lead byte is eaten");
        assertEquals("\uFFFD\uFFFD", c(0x80, 0x80));
        assertEquals("\uFFFD", c(0xED, 0xA0, 0x80), "a surrogate is eaten whole");
        assertEquals("\uFFFD", c(0xF0, 0x9F, 0x98), "truncated at the end");
        assertEquals("\u0000", c(0xC0, 0x80));
        assertEquals("ab", c('a', 'b', 0, 'c'), "cut at NUL like %s");
        assertEquals("\u00e9", c(0xC3, 0xA9));
    }

    @Test
    void codepointValidity() {
        assertTrue(ModUtf8.isValidCodepoint(0));
        assertTrue(ModUtf8.isValidCodepoint(0x10FFFD));
        assertFalse(ModUtf8.isValidCodepoint(-1));
        assertFalse(ModUtf8.isValidCodepoint(0xFDD0));
        assertFalse(ModUtf8.isValidCodepoint(0x2FFFF));
        assertFalse(ModUtf8.isValidCodepoint(0xDFFF));
        assertFalse(ModUtf8.isValidCodepoint(0x110000));
    }

    @Test
    void encodeUsesC080ForNul() {
        assertArrayEquals(new byte[] {'a', (byte) 0xC0, (byte) 0x80, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
                ModUtf8.encode("a\u0000\ud83d\ude00"));
    }
}
