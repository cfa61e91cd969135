// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.guestd.core.config.ConfigException;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void acceptsQemuGaForms() throws Exception {
        CommandLine cl = CommandLine.parse(List.of("-m", "unix-listen", "-p/tmp/s", "--statedir=/tmp/st",
                "--block-rpcs", "guest-ping,guest-get-time", "-vD"));
        Map<String, String> g = cl.generalKeys();
        assertEquals("unix-listen", g.get("method"));
        assertEquals("/tmp/s", g.get("path"));
        assertEquals("/tmp/st", g.get("statedir"));
        assertEquals("guest-ping,guest-get-time", g.get("block-rpcs"));
        assertEquals("true", g.get("verbose"));
        assertTrue(cl.has(Option.DUMP_CONF));
        assertFalse(g.containsKey("dump-conf"), "informational options are not config keys");
    }

    @Test
    void fsfreezeHookArgumentIsOptionalAndOnlyAttached() throws Exception {
        assertEquals("/etc/qemu/fsfreeze-hook", CommandLine.parse(List.of("-F")).generalKeys().get("fsfreeze-hook"));
        assertEquals("/my/hook", CommandLine.parse(List.of("-F/my/hook")).generalKeys().get("fsfreeze-hook"));
        assertEquals("/h", CommandLine.parse(List.of("--fsfreeze-hook=/h")).generalKeys().get("fsfreeze-hook"));
    }

    @Test
    void daemonizeMapsToQemuKeyAndBlacklistAlias() throws Exception {
        Map<String, String> g = CommandLine.parse(List.of("-d", "--blacklist", "guest-ping")).generalKeys();
        assertEquals("true", g.get("daemon"));
        assertEquals("guest-ping", g.get("block-rpcs"));
    }

    @Test
    void errorsLikeGetopt() {
        assertEquals("invalid option -- 'z'",
                assertThrows(ConfigException.class, () -> CommandLine.parse(List.of("-z"))).getMessage());
        assertEquals("unrecognized option '--bogus'",
                assertThrows(ConfigException.class, () -> CommandLine.parse(List.of("--bogus"))).getMessage());
        assertEquals("option requires an argument -- 'm'",
                assertThrows(ConfigException.class, () -> CommandLine.parse(List.of("-m"))).getMessage());
        assertEquals("option '--verbose' doesn't allow an argument",
                assertThrows(ConfigException.class, () -> CommandLine.parse(List.of("--verbose=1"))).getMessage());
    }

    @Test
    void usageListsEveryOption() {
        String u = CommandLine.usage();
        for (Option o : Option.values()) {
            assertTrue(u.contains("--" + o.longName), o.longName);
        }
        assertTrue(u.contains("guestd provision [<options>]"), u);
        assertTrue(u.contains("guestd deprovision [--user] [--dry-run] [--force]"), u);
        assertTrue(u.contains("guestctl azure status [--json]"), u);
    }
}
