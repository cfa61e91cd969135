// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void humanBytes() {
        assertEquals("0 B", Summary.humanBytes(0));
        assertEquals("1023 B", Summary.humanBytes(1023));
        assertEquals("1.0 KiB", Summary.humanBytes(1024));
        assertEquals("1.5 MiB", Summary.humanBytes(1572864));
        assertEquals("23.4 GiB", Summary.humanBytes(25121107968L));
        assertEquals("101.5 GiB", Summary.humanBytes(108944293888L));
        assertEquals("8.0 EiB", Summary.humanBytes(Long.MAX_VALUE));
    }

    @Test
    void usersTimeZoneAndVcpusFormatting() {
        Map<String, Summary.Outcome> o = new LinkedHashMap<>();
        for (String c : Summary.COMMANDS) {
            o.put(c, new Summary.Outcome(null, "CommandNotFound", "Command " + c + " has been disabled"));
        }
        o.put("guest-get-users", new Summary.Outcome(List.of(
                Json.obj("user", "root", "login-time", 1700000000.5),
                Json.obj("user", "bob", "domain", "CORP", "login-time", 1700003600.0)), null, null));
        o.put("guest-get-timezone", new Summary.Outcome(Json.obj("zone", "CET", "offset", 3600L), null, null));
        o.put("guest-get-vcpus", new Summary.Outcome(List.of(Json.obj("logical-id", 0L, "online", true),
                Json.obj("logical-id", 1L, "online", false), Json.obj("logical-id", 2L, "online", true)), null, null));
        String text = Summary.render(new Summary.Report(o, null));
        String[] lines = text.split("\n");
        assertEquals("Agent:       error: CommandNotFound: Command guest-info has been disabled", lines[0]);
        assertEquals("Time zone:   CET (UTC+01:00)", lines[4]);
        assertEquals("vCPUs:       2 online / 3 total", lines[5]);
        assertEquals("Users:       root (since 2023-11-14 22:13:20 UTC), CORP\\bob (since 2023-11-14 23:13:20 UTC)", lines[6]);
        assertEquals("Interfaces:  error: CommandNotFound: Command guest-network-get-interfaces has been disabled", lines[7]);
    }

    @Test
    void timeZoneWithoutNameAndNegativeOffset() {
        Map<String, Summary.Outcome> o = new LinkedHashMap<>();
        for (String c : Summary.COMMANDS) {
            o.put(c, new Summary.Outcome(List.of(), null, null));
        }
        o.put("guest-get-timezone", new Summary.Outcome(Json.obj("offset", -18000L), null, null));
        String text = Summary.render(new Summary.Report(o, null));
        assertEquals("Time zone:   UTC-05:00", text.split("\n")[4]);
        assertEquals("Interfaces: (none)", text.split("\n")[7]);
        assertEquals("Filesystems: (none)", text.split("\n")[8]);
    }
}
