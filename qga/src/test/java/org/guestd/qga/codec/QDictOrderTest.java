// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;
import org.guestd.qga.testing.SmallStack;
import org.junit.jupiter.api.Test;

class QDictOrderTest {
    @Test
    void ordersMembersLikeQemuGa() {
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("id", 1L);
        ok.put("return", Map.of());
        assertEquals(List.of("return", "id"), QDictOrder.keys(ok));
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("error", Json.obj("desc", "d", "class", "GenericError"));
        err.put("id", "xyz");
        assertEquals("{\"id\": \"xyz\", \"error\": {\"class\": \"GenericError\", \"desc\": \"d\"}}",
                Json.write(QDictOrder.reorder(err)));
        // transcript 26a: {"exitcode": 0, "out-data": "aGkK", "out-truncated": false, "exited": true}
        Map<String, Object> st = Json.obj("exited", true, "exitcode", 0L, "out-truncated", false, "out-data", "aGkK");
        assertEquals("{\"exitcode\": 0, \"out-data\": \"aGkK\", \"out-truncated\": false, \"exited\": true}",
                Json.write(QDictOrder.reorder(st)));
    }

    /** A reply can echo an id nested 1024 deep: reordering it must not depend on the thread's stack. */
    @Test
    void reorderNeedsNoThreadStack() throws Exception {
        Object deep = Json.obj("b", 1L, "a", 2L);
        Object expected = Json.obj("a", 2L, "b", 1L);
        for (int i = 0; i < 1100; i++) {
            deep = i % 2 == 0 ? List.of("x", deep) : Json.obj("id", (long) i, "return", deep);
            expected = i % 2 == 0 ? List.of("x", expected) : Json.obj("return", expected, "id", (long) i);
        }
        Object input = deep;
        Object got = SmallStack.call(() -> QDictOrder.reorder(input));
        assertEquals(expected, got);
        assertEquals(Json.write(expected), Json.write(got), "same member order at every depth");
    }

    @Test
    void encoderAddsNewlineAndSentinel() {
        byte[] b = ReplyEncoder.encode(Json.obj("return", 987654321L), true);
        assertEquals((byte) 0xFF, b[0]);
        assertEquals("{\"return\": 987654321}\n", new String(b, 1, b.length - 1, StandardCharsets.US_ASCII));
    }
}
