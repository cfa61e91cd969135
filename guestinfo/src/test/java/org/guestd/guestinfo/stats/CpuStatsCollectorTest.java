// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.core.testing.FixtureTree;
import org.guestd.guestinfo.GuestInfo.CpuStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuStatsCollectorTest {
    @TempDir
    Path dir;

    /** /proc/stat of transcript 19c's machine (2 vCPUs, USER_HZ 100). */
    static final String STAT = "cpu  17435 0 12697 39792 203 0 65 78 1 0\n"
            + "cpu0 8809 0 6144 20109 28 0 6 36 0 0\n"
            + "cpu1 8626 0 6553 19683 175 0 59 42 1 0\n"
            + "intr 1433 0 9 0 0\n"
            + "ctxt 1990473\n"
            + "btime 1062191376\n"
            + "processes 2915\n"
            + "procs_running 1\n"
            + "procs_blocked 0\n"
            + "softirq 183433 0 21755 12 39 0 0 0 0 0 0\n";

    @Test
    void transcriptMachine() throws Exception {
        FixtureTree t = new FixtureTree(dir).file("proc/stat", STAT);
        List<CpuStats> l = new CpuStatsCollector(t.paths().proc("stat"), 100).collect();
        assertEquals(List.of(
                new CpuStats(0, 88090, 0, 61440, 201090, 280L, 0L, 60L, 360L, 0L, 0L),
                new CpuStats(1, 86260, 0, 65530, 196830, 1750L, 0L, 590L, 420L, 10L, 0L)), l);
    }

    @Test
    void olderKernelsPrintFewerColumns() {
        // 2.6.0: up to softirq (7 numbers); 2.6.11: steal; 2.6.24: guest
        assertEquals(List.of(new CpuStats(0, 10, 20, 30, 40, 50L, 60L, 70L, null, null, null),
                new CpuStats(1, 10, 20, 30, 40, 50L, 60L, 70L, 80L, null, null),
                new CpuStats(2, 10, 20, 30, 40, 50L, 60L, 70L, 80L, 90L, null),
                new CpuStats(3, 10, 20, 30, 40, null, null, null, null, null, null)),
                CpuStatsCollector.parse("cpu0 1 2 3 4 5 6 7\ncpu1 1 2 3 4 5 6 7 8\ncpu2 1 2 3 4 5 6 7 8 9\n"
                        + "cpu3 1 2 3 4\n", 100));
    }

    @Test
    void aShortCpuLineStopsTheScan() {
        List<CpuStats> l = CpuStatsCollector.parse("cpu0 1 2 3 4\ncpu1 1 2 3\ncpu2 1 2 3 4\n", 100);
        assertEquals(1, l.size());
        assertEquals(0, l.get(0).cpu());
    }

    @Test
    void cpuNumberIsAtoiAndTimesAreUnsigned() {
        List<CpuStats> l = CpuStatsCollector.parse("\ncpux 1 2 3 4\ncpu12abc 1 2 3 4\n"
                + "cpu7 18446744073709551615 0 0 0\n", 100);
        assertEquals(0, l.get(0).cpu());
        assertEquals(12, l.get(1).cpu());
        // (2^64 - 1) * 1000 wraps in unsigned long, then / 100
        assertEquals(Long.divideUnsigned(-1000L, 100), l.get(2).user());
        assertEquals(1000, CpuStatsCollector.parse("cpu0 1024 0 0 0\n", 1024).get(0).user());
    }

    @Test
    void missingFileIsQemusOpenError() {
        AgentException e = assertThrows(AgentException.class,
                () -> new CpuStatsCollector(dir.resolve("stat"), 100).collect());
        assertEquals("open(\"/proc/stat\"): No such file or directory", e.getMessage());
    }
}
