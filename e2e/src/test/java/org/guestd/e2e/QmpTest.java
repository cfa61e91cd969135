// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a scripted QMP server (QEMU's greeting, events, errors, CRLF line ends). */
class QmpTest {

    @TempDir
    Path dir;

    @Test
    void negotiatesSkipsEventsAndReportsErrors() throws Exception {
        Path sock = dir.resolve("qmp.sock");
        try (FakeSocketServer srv = new FakeSocketServer(sock, (in, out) -> {
            FakeSocketServer.send(out, "{\"QMP\": {\"version\": {}, \"capabilities\": [\"oob\"]}}\r\n");
            assertEquals("{\"execute\": \"qmp_capabilities\"}", in.readLine());
            FakeSocketServer.send(out, "{\"return\": {}}\r\n");
            assertTrue(in.readLine().contains("\"qom-get\""));
            FakeSocketServer.send(out, "{\"timestamp\": {\"seconds\": 1}, \"event\": \"BALLOON_CHANGE\"}\r\n"
                    + "{\"return\": {\"stats\": {\"stat-total-memory\": 938475520}}}\r\n");
            assertTrue(in.readLine().contains("\"device_add\""));
            FakeSocketServer.send(out, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no slots\"}}\r\n");
        }); Qmp q = Qmp.connect(sock, Duration.ofSeconds(5))) {
            Map<?, ?> r = (Map<?, ?>) q.execute("qom-get", Map.of("path", "/machine/peripheral/balloon0"));
            assertEquals(938475520L, ((Number) ((Map<?, ?>) r.get("stats")).get("stat-total-memory")).longValue());
            IOException e = assertThrows(IOException.class, () -> q.execute("device_add", Map.of("driver", "pc-dimm")));
            assertTrue(e.getMessage().contains("no slots"), e.getMessage());
            srv.finish();
        }
    }
}
