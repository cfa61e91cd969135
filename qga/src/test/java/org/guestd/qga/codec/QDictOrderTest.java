// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;
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

    @Test
    void encoderAddsNewlineAndSentinel() {
        byte[] b = ReplyEncoder.encode(Json.obj("return", 987654321L), true);
        assertEquals((byte) 0xFF, b[0]);
        assertEquals("{\"return\": 987654321}\n", new String(b, 1, b.length - 1, StandardCharsets.US_ASCII));
    }
}
