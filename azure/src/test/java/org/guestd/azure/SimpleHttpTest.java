// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimpleHttpTest {
    private RawServer server;
    private final SimpleHttp.Limits limits = new SimpleHttp.Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), 1000);

    @BeforeEach
    void start() throws Exception {
        server = new RawServer();
        assertTrue(InetAddress.getByName(server.uri("/").getHost()).isLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SimpleHttp.Response get(String raw) throws Exception {
        server.answer(RawServer.Answer.of(raw));
        return SimpleHttp.exchange("GET", server.uri("/a?b=c"), Map.of("Metadata", "true"), null, limits);
    }

    @Test
    void sendsARequestLineHostHeadersAndBody() throws Exception {
        server.answer(RawServer.Answer.of("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
        SimpleHttp.Response r = SimpleHttp.exchange("POST", server.uri("/provisioning/health"),
                Map.of("Content-Type", "application/json"), "{\"state\":\"Ready\"}".getBytes(StandardCharsets.UTF_8), limits);
        assertEquals(201, r.status());
        String req = server.requests.get(0);
        assertTrue(req.startsWith("POST /provisioning/health HTTP/1.1\r\nHost: 127.0.0.1:"), req);
        assertTrue(req.contains("\r\nContent-Type: application/json\r\nContent-Length: 17\r\nConnection: close\r\n\r\n"
                + "{\"state\":\"Ready\"}"), req);
    }

    @Test
    void bodiesByLengthChunkedAndUntilClose() throws Exception {
        assertEquals("hello", get("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").text());
        assertEquals("hello world", get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n").text());
        assertEquals("until close", get("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nuntil close").text());
        SimpleHttp.Response r = get("HTTP/1.1 404 Not Found\r\nX-Ms-Thing: 1\r\nContent-Length: 0\r\n\r\n");
        assertEquals(404, r.status());
        assertEquals("1", r.headers().get("x-ms-thing"));
    }

    @Test
    void malformedResponsesAreErrors() {
        for (String bad : List.of("garbage\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "HTTP/1.1 200 OK\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "")) {
            HttpFailure f = assertThrows(HttpFailure.class, () -> get(bad), bad);
            assertTrue(f.getMessage() != null && !f.getMessage().isEmpty());
        }
    }

    @Test
    void bodiesOverTheCapAreRefused() {
        HttpFailure f = assertThrows(HttpFailure.class, () -> get("HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n"));
        assertTrue(f.getMessage().contains("over the limit"), f.getMessage());
        assertThrows(HttpFailure.class, () -> get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n"));
        assertThrows(HttpFailure.class, () -> get("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(1001)));
        f = assertThrows(HttpFailure.class, () -> get("HTTP/1.1 200 OK\r\nX: " + "y".repeat(70_000) + "\r\n\r\n"));
        assertTrue(f.getMessage().contains("header section"), f.getMessage());
    }

    @Test
    void aTricklingServerHitsTheWholeResponseDeadline() {
        // one byte every 300 ms: every read is within any per-read timeout, the whole is not
        List<byte[]> parts = new ArrayList<>();
        for (byte b : "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) {
            parts.add(new byte[] {b});
        }
        server.answer(new RawServer.Answer(parts, 300));
        long t0 = System.nanoTime();
        SimpleHttp.Limits l = new SimpleHttp.Limits(Duration.ofSeconds(1), Duration.ofMillis(800), 1000);
        assertThrows(SocketTimeoutException.class, () -> SimpleHttp.exchange("GET", server.uri("/"), Map.of(), null, l));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 700 && ms < 3000, "gave up after " + ms + " ms");
    }

    @Test
    void headerValuesWithLineBreaksAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SimpleHttp.exchange("GET", server.uri("/"),
                Map.of("X", "a\r\nInjected: 1"), null, limits));
        assertThrows(IllegalArgumentException.class, () -> SimpleHttp.exchange("GET",
                URI.create("https://127.0.0.1/"), Map.of(), null, limits));
    }
}
