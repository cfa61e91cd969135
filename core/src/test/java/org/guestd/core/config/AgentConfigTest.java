// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    @Test
    void parsesGKeyFileSubset() throws Exception {
        AgentConfig c = AgentConfig.parse("# c\n[general]\nmethod = unix-listen\nblock-rpcs=guest-ping;guest-get-time;\n"
                + "\n[freeze]\ntimeout=5m\nhook-dir=/etc/guestd/freeze-hook.d\nmsg=\\sa\\tb\\\\\n", "t");
        assertEquals("unix-listen", c.general().getString("method", null));
        assertEquals(List.of("guest-ping", "guest-get-time"), c.general().getList("block-rpcs"));
        assertEquals(Duration.ofMinutes(5), c.section("freeze").getDuration("timeout", null));
        assertEquals(" a\tb\\", c.section("freeze").getString("msg", null));
        assertEquals(List.of("general", "freeze"), c.sectionNames());
        assertFalse(c.section("nosuch").has("x"));
    }

    @Test
    void rejectsBadLinesWithPosition() {
        assertTrue(assertThrows(ConfigException.class, () -> AgentConfig.parse("key=1\n", "f.conf"))
                .getMessage().startsWith("f.conf:1:"));
        assertTrue(assertThrows(ConfigException.class, () -> AgentConfig.parse("[g]\nnovalue\n", "f.conf"))
                .getMessage().startsWith("f.conf:2:"));
        assertTrue(assertThrows(ConfigException.class, () -> AgentConfig.parse("[g\n", "f.conf"))
                .getMessage().startsWith("f.conf:1:"));
    }

    @Test
    void typedAccessorsValidate() throws Exception {
        ConfigSection s = new ConfigSection("x", Map.of("b", "maybe", "n", "12", "d", "250ms", "f", "0.5"));
        assertThrows(ConfigException.class, () -> s.getBoolean("b", false));
        assertEquals(12, s.getLong("n", 0));
        assertEquals(Duration.ofMillis(250), s.getDuration("d", null));
        assertEquals(Duration.ofMillis(500), s.getDuration("f", null));
        assertTrue(s.getBoolean("missing", true));
    }

    @Test
    void overlayReplacesKeysAndDumpRoundTrips() throws Exception {
        AgentConfig base = AgentConfig.parse("[qga]\na=1\nb=2\n[general]\nverbose=false\n", "base");
        AgentConfig top = AgentConfig.of(Map.of("general", Map.of("verbose", "true"), "qga", Map.of("b", "3")));
        AgentConfig m = base.overlay(top);
        assertEquals("true", m.general().getString("verbose", null));
        assertEquals("1", m.section("qga").getString("a", null));
        assertEquals("3", m.section("qga").getString("b", null));
        String dump = m.dump();
        assertTrue(dump.startsWith("[general]\nverbose=true\n"), dump);
        assertEquals(dump, AgentConfig.parse(dump, "dump").dump());
    }
}
