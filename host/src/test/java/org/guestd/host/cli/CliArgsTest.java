// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliArgsTest {

    private static CliArgs parse(String... args) throws CliArgs.UsageException {
        return CliArgs.parse(args, Map.of());
    }

    @Test
    void defaultsAndOptionsAnywhere() throws Exception {
        CliArgs a = parse("guest-ping");
        assertEquals(Path.of("/run/guestd/qga.sock"), a.socket());
        assertEquals(Duration.ofSeconds(10), a.timeout());
        assertTrue(a.sync());
        assertFalse(a.json());
        assertNull(a.arguments());

        CliArgs b = parse("info", "--json", "--socket=/tmp/x.sock", "--timeout", "2.5", "--no-sync");
        assertEquals("info", b.command());
        assertEquals(Path.of("/tmp/x.sock"), b.socket());
        assertEquals(Duration.ofMillis(2500), b.timeout());
        assertFalse(b.sync());
        assertTrue(b.json());

        assertEquals(Path.of("/e.sock"), CliArgs.parse(new String[] {"guest-ping"}, Map.of("QGACTL_SOCKET", "/e.sock")).socket());
        assertEquals(Path.of("/o.sock"),
                CliArgs.parse(new String[] {"-s", "/o.sock", "guest-ping"}, Map.of("QGACTL_SOCKET", "/e.sock")).socket());
    }

    @Test
    void keyValueValuesAreJsonWhenTheyParse() throws Exception {
        Map<String, Object> m = CliArgs.parseArguments(List.of("mode=halt", "id=5", "ok=true", "x=null",
                "f=1.5", "keys=[\"a\", \"b\"]", "o={\"k\": 1}", "s=\"quoted\"", "path=/tmp/a=b", "neg=-3", "e="));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("mode", "halt");
        expected.put("id", 5L);
        expected.put("ok", true);
        expected.put("x", null);
        expected.put("f", 1.5);
        expected.put("keys", List.of("a", "b"));
        expected.put("o", Map.of("k", 1L));
        expected.put("s", "quoted");
        expected.put("path", "/tmp/a=b");
        expected.put("neg", -3L);
        expected.put("e", "");
        assertEquals(expected, m);
    }

    @Test
    void oneJsonObjectArgument() throws Exception {
        assertEquals(Map.of("id", 5L), CliArgs.parseArguments(List.of("{\"id\": 5}")));
        assertEquals(Map.of(), CliArgs.parseArguments(List.of(" {} ")));
        assertThrows(CliArgs.UsageException.class, () -> CliArgs.parseArguments(List.of("{\"id\": }")));
    }

    @Test
    void badArguments() {
        assertThrows(CliArgs.UsageException.class, () -> CliArgs.parseArguments(List.of("=5")));
        assertThrows(CliArgs.UsageException.class, () -> CliArgs.parseArguments(List.of("plain")));
        assertThrows(CliArgs.UsageException.class, () -> CliArgs.parseArguments(List.of("a=1", "a=2")));
        assertThrows(CliArgs.UsageException.class, () -> CliArgs.parseArguments(List.of("{\"a\": 1}", "b=2")));
        assertThrows(CliArgs.UsageException.class, () -> parse("-s"));
        assertThrows(CliArgs.UsageException.class, () -> parse("--timeout=abc", "guest-ping"));
        assertThrows(CliArgs.UsageException.class, () -> parse("--timeout=-1", "guest-ping"));
    }

    @Test
    void doubleDashEndsOptions() throws Exception {
        CliArgs a = parse("--", "guest-ping");
        assertEquals("guest-ping", a.command());
    }
}
