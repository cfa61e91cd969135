// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;
import org.guestd.host.testing.Transcripts;
import org.junit.jupiter.api.Test;

class RendererTest {

    private static Object returnOf(String transcript) {
        return ((Map<?, ?>) JsonReader.parse(Transcripts.replyText(transcript, 1))).get("return");
    }

    @Test
    void networkInterfacesGolden() {
        assertEquals(CliRun.golden("guest-network-get-interfaces.txt"), Renderer.render(returnOf("11")));
    }

    @Test
    void nestedListsOfObjectsAreMarkedRecords() {
        assertEquals(CliRun.golden("guest-get-fsinfo.txt"), Renderer.render(returnOf("12")));
    }

    @Test
    void flatObjectsBecomeATable() {
        assertEquals("ONLINE  CAN-OFFLINE  LOGICAL-ID\n"
                + "true    true         1\n"
                + "true    false        0\n", Renderer.render(returnOf("17")));
        assertEquals("NAME  SIZE\n"
                + "a     1\n"
                + "bb    -\n", Renderer.render(List.of(Json.obj("name", "a", "size", 1L), Json.obj("name", "bb"))));
    }

    @Test
    void scalarsAndEmpties() {
        assertEquals("ok\n", Renderer.render(Map.of()));
        assertEquals("(none)\n", Renderer.render(List.of()));
        assertEquals("1700000000000000000\n", Renderer.render(1700000000000000000L));
        assertEquals("thawed\n", Renderer.render("thawed"));
        assertEquals("a\nb\n", Renderer.render(List.of("a", "b")));
        assertEquals("keys: ssh-ed25519 AAAA a@b\n", Renderer.render(Json.obj("keys", List.of("ssh-ed25519 AAAA a@b"))));
        assertEquals("keys:\n  - k1, with comma\n  - k2\n",
                Renderer.render(Json.obj("keys", List.of("k1, with comma", "k2"))));
        assertEquals("exited: true\nexitcode: 0\nout-data: aGkK\n",
                Renderer.render(Json.obj("exited", true, "exitcode", 0L, "out-data", "aGkK")));
        assertEquals("paths: (none)\nx: (empty)\n", Renderer.render(Json.obj("paths", List.of(), "x", Map.of())));
        assertEquals("login-time: 1700000000.123456\n", Renderer.render(Json.obj("login-time", 1700000000.123456)));
    }
}
