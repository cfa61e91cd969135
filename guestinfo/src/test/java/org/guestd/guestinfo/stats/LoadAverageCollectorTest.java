// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.GuestInfo.LoadAverage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadAverageCollectorTest {
    @TempDir
    Path dir;

    @Test
    void readsTheThreeAverages() throws Exception {
        FixtureTree t = new FixtureTree(dir).file("proc/loadavg", "0.17 1.05 12.50 2/345 6789\n");
        assertEquals(new LoadAverage(0.17, 1.05, 12.5), new LoadAverageCollector(t.paths().proc("loadavg")).collect());
    }

    @Test
    void glibcDropsTheLastByteOfItsOneRead() throws Exception {
        // no trailing newline: the last digit of the file is cut, as getloadavg does
        FixtureTree t = new FixtureTree(dir).file("proc/loadavg", "1.00 2.00 3.25");
        assertEquals(new LoadAverage(1, 2, 3.2), new LoadAverageCollector(t.paths().proc("loadavg")).collect());
        // only the first 64 bytes are read
        t.file("proc/loadavg", " ".repeat(60) + "1 2 3\n");
        AgentException e = assertThrows(AgentException.class,
                () -> new LoadAverageCollector(t.paths().proc("loadavg")).collect());
        assertEquals("cannot query load average: Success", e.getMessage());
    }

    @Test
    void strtodSubset() {
        assertEquals(new LoadAverage(1e3, -0.5, 7), LoadAverageCollector.parse("1e3 -.5 7e 9"));
        assertNull(LoadAverageCollector.parse("1 2"));
        assertNull(LoadAverageCollector.parse(". 1 2"));
    }

    @Test
    void errors() throws Exception {
        AgentException e = assertThrows(AgentException.class,
                () -> new LoadAverageCollector(dir.resolve("loadavg")).collect());
        assertEquals("cannot query load average: No such file or directory", e.getMessage());
        FixtureTree t = new FixtureTree(dir).file("proc/loadavg", "");
        e = assertThrows(AgentException.class, () -> new LoadAverageCollector(t.paths().proc("loadavg")).collect());
        assertEquals("cannot query load average: Success", e.getMessage());
    }
}
