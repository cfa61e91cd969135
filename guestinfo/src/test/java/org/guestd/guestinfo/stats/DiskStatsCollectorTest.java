// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.GuestInfo.DiskStats;
import org.guestd.guestinfo.GuestInfo.IoCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskStatsCollectorTest {
    @TempDir
    Path dir;

    /** The vda line of transcript 19b's machine (kernel 6.x format: 20 fields). */
    static final String VDA = " 254       0 vda 36455 9167 2179410 10379 11624 36744 4297608 26312 0 5672 37207 5479 44 191144"
            + " 457 1388 58";

    @Test
    void transcriptMachine() throws Exception {
        FixtureTree t = new FixtureTree(dir);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append("   7       ").append(i).append(" loop").append(i).append(" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        }
        sb.append(VDA).append('\n');
        sb.append(" 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        t.file("proc/diskstats", sb.toString());
        List<DiskStats> l = new DiskStatsCollector(t.paths().proc("diskstats")).collect();
        assertEquals(10, l.size());
        assertEquals("loop0", l.get(0).name());
        assertEquals(7, l.get(7).major());
        assertEquals(7, l.get(7).minor());
        DiskStats vda = l.get(8);
        assertEquals(new DiskStats("vda", 254, 0, new IoCounters(36455L, 9167L, 2179410L, 10379L, 11624L, 36744L,
                4297608L, 26312L, 0L, 5672L, 37207L, 5479L, 44L, 191144L, 457L, 1388L, 58L)), vda);
        assertEquals("zram0", l.get(9).name());
        assertEquals(253, l.get(9).major());
    }

    @Test
    void fieldCountsDecideTheCounters() {
        // 7 conversions: the 2.4-era partition line (reads, read sectors, writes, write sectors)
        IoCounters old = DiskStatsCollector.parseLine("   3    1 hda1 10 20 30 40").counters();
        assertEquals(new IoCounters(10L, null, 20L, null, 30L, null, 40L, null, null, null, null, null, null, null,
                null, null, null), old);
        // 8..13 conversions: the entry is kept without counters
        assertEquals(new IoCounters(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null), DiskStatsCollector.parseLine("8 0 sda 1 2 3 4 5 6").counters());
        // 14: classic 11 counters; 18: plus discards; 20: plus flushes
        IoCounters classic = DiskStatsCollector.parseLine("8 0 sda 1 2 3 4 5 6 7 8 9 10 11").counters();
        assertEquals(11L, classic.weightedTicks());
        assertNull(classic.discardIos());
        IoCounters discard = DiskStatsCollector.parseLine("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15").counters();
        assertEquals(15L, discard.discardTicks());
        assertNull(discard.flushIos());
        // fewer than 7: skipped; garbage in the middle stops the scan there
        assertNull(DiskStatsCollector.parseLine("8 0 sda 1 2 3"));
        assertNull(DiskStatsCollector.parseLine(""));
        assertEquals(2L, DiskStatsCollector.parseLine("8 0 sda 1 2 3 4 x 6").counters().readSectors());
    }

    @Test
    void unsignedIntFieldsKeep32BitsLongFieldsKeep64() {
        IoCounters c = DiskStatsCollector.parseLine(
                "8 0 sda 18446744073709551615 0 0 0 0 0 0 4294967297 4294967296 0 0 0 0 0 0 0 0").counters();
        assertEquals(-1L, c.readIos(), "%lu keeps unsigned long bits");
        assertEquals(1L, c.writeTicks(), "%u truncates to unsigned int");
        assertEquals(0L, c.iosInProgress());
        assertEquals(4294967295L, DiskStatsCollector.parseLine("4294967295 0 x 1 2 3 4").major());
    }

    @Test
    void missingFileIsQemusOpenError() {
        AgentException e = assertThrows(AgentException.class,
                () -> new DiskStatsCollector(dir.resolve("nope/diskstats")).collect());
        assertEquals("open(\"/proc/diskstats\"): No such file or directory", e.getMessage());
    }
}
