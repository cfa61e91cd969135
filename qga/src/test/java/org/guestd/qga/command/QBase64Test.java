// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.guestd.core.AgentException;
import org.junit.jupiter.api.Test;

class QBase64Test {
    private static String dec(String s) throws AgentException {
        return new String(QBase64.decode(s), StandardCharsets.ISO_8859_1);
    }

    @Test
    void lenientLikeGlib() throws Exception {
        assertEquals("Hello World!\n", dec("SGVsbG8gV29ybGQhCg=="));
        assertEquals("Hello World!\n", dec("SGVsbG8g\nV29ybGQhCg=="));
        assertEquals("", dec(""));
        assertEquals("abc", dec("YWJj="));       // the incomplete last quantum ("=") is dropped
        assertEquals("abc", dec("YWJj"));
        assertEquals("", dec("YQ"));             // no full quantum: nothing (g_base64_decode has no close step)
    }

    @Test
    void refusesCharactersOutsideTheAlphabet() {
        AgentException e = assertThrows(AgentException.class, () -> QBase64.decode("YQ==\r\n"));
        assertEquals("Base64 data contains invalid characters", e.getMessage());
        assertThrows(AgentException.class, () -> QBase64.decode("***not base64***"));
        assertThrows(AgentException.class, () -> QBase64.decode("YQ== "));
    }

    @Test
    void encodesPadded() {
        assertArrayEquals("aGkK".getBytes(), QBase64.encode("hi\n".getBytes(), 3).getBytes());
    }
}
