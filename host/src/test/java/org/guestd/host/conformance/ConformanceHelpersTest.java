// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConformanceHelpersTest {
    @Test
    void twentyNineCasesInTestQgaOrder() {
        List<QgaCase> cases = ConformanceSuite.cases();
        assertEquals(29, cases.size());
        assertEquals("/qga/sync-delimited", cases.get(0).path());
        assertEquals("/qga/guest-get-users", cases.get(28).path());
        assertEquals(29, cases.stream().map(QgaCase::path).distinct().count());
    }

    @Test
    void knownDiffsOnlyForOlderQemuGa() {
        assertNotNull(KnownDiffs.reason("/qga/get-load", "7.2.22"));
        assertNull(KnownDiffs.reason("/qga/get-load", "10.0.2"));
        assertNull(KnownDiffs.reason("/qga/get-load", null)); // guestd: never excused
        assertNotNull(KnownDiffs.reason("/qga/allowedrpcs", "8.0.5"));
        assertNull(KnownDiffs.reason("/qga/allowedrpcs", "8.1.0"));
        assertNull(KnownDiffs.reason("/qga/ping", "7.2.22"));
    }

    @Test
    void keyFileAndStringList() {
        Map<String, Map<String, String>> kf = OwnAgentCases.keyFile("# c\n[general]\ndaemon=false\nblock-rpcs=a;b;\n");
        assertEquals("general", kf.keySet().iterator().next());
        assertEquals(List.of("a", "b"), OwnAgentCases.stringList(kf.get("general").get("block-rpcs")));
        assertEquals(List.of(), OwnAgentCases.stringList(null));
    }

    @Test
    void replyDiffMatchesListsByKeyAndIgnoresVolatileValues() {
        ReplyDiff d = new ReplyDiff(List.of("\\.used-bytes$"));
        d.compare("$", List.of(Map.of("mountpoint", "/", "used-bytes", 1, "type", "ext4"),
                        Map.of("mountpoint", "/boot", "type", "vfat")),
                List.of(Map.of("mountpoint", "/boot", "type", "vfat"),
                        Map.of("mountpoint", "/", "used-bytes", 2, "type", "xfs", "extra", true)));
        assertEquals(List.of("$[mountpoint=/].extra: only in guestd: true",
                "$[mountpoint=/].type: qemu-ga ext4, guestd xfs"), d.differences);
        ReplyDiff n = new ReplyDiff(List.of());
        n.compare("$", Map.of("a", 1L), Map.of("a", 1.0));
        assertEquals(List.of(), n.differences);
        // guest-get-cpustats: entries are matched by cpu, not by their "user" time counter
        ReplyDiff c = new ReplyDiff(List.of("\\]\\.(?!type$|cpu$)[a-z]+$"));
        c.compare("$", List.of(Map.of("type", "linux", "cpu", 0L, "user", 4017610L)),
                List.of(Map.of("type", "linux", "cpu", 0L, "user", 4017620L)));
        assertEquals(List.of(), c.differences);
    }
}
