// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.stats;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.CpuStats;
import org.guestd.guestinfo.util.CScan;
import org.guestd.guestinfo.util.ProcFile;

/**
 * guest-get-cpustats as qemu-ga (7.1 and later) reads {@code /proc/stat}: every line is
 * {@code sscanf("%s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu")}; only names {@code cpu<something>}
 * count (the aggregate {@code cpu} line and {@code intr}, {@code ctxt}… are dropped). A cpu line
 * with fewer than 5 conversions stops the scan (what was collected so far is returned). The CPU
 * number is {@code atoi} of the name's tail; times are {@code ticks * 1000 / CLK_TCK} in unsigned
 * 64-bit arithmetic. iowait needs 6 conversions, irq and softirq 7, steal 9, guest 10,
 * guestnice 11 (with exactly 7, qemu reports a softirq it never read; here it is 0).
 */
public final class CpuStatsCollector {
    /** {@code sysconf(_SC_CLK_TCK)}: the kernel's USER_HZ, 100 on every architecture guestd runs on. */
    public static final int USER_HZ = 100;

    static final String SHOWN = "/proc/stat";

    private final Path file;
    private final int clockTicks;

    /**
     * @param file {@code <proc>/stat}
     * @param clockTicks ticks per second ({@link #USER_HZ})
     */
    public CpuStatsCollector(Path file, int clockTicks) {
        this.file = file;
        this.clockTicks = clockTicks;
    }

    public List<CpuStats> collect() throws AgentException {
        return parse(ProcFile.read(file, SHOWN), clockTicks);
    }

    /** The per-CPU entries of a {@code /proc/stat} text. */
    public static List<CpuStats> parse(String text, int clockTicks) {
        List<CpuStats> out = new ArrayList<>();
        for (String line : ProcFile.lines(text)) {
            CScan c = new CScan(line, 0);
            String name = c.token(Integer.MAX_VALUE);
            if (name == null || !name.startsWith("cpu") || name.length() == 3) {
                continue;
            }
            long[] v = new long[10];
            int n = 1;
            for (int i = 0; i < v.length; i++) {
                Long x = c.dec();
                if (x == null) {
                    break;
                }
                v[i] = x;
                n++;
            }
            if (n < 5) {
                break; // qemu: slog("Parsing cpu stat from /proc/stat failed…") and stop
            }
            long[] ms = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                ms[i] = Long.divideUnsigned(v[i] * 1000, clockTicks);
            }
            out.add(new CpuStats(atoi(name.substring(3)), ms[0], ms[1], ms[2], ms[3],
                    n > 5 ? ms[4] : null, n > 6 ? ms[5] : null, n > 6 ? ms[6] : null,
                    n > 8 ? ms[7] : null, n > 9 ? ms[8] : null, n > 10 ? ms[9] : null));
        }
        return out;
    }

    /** C's {@code atoi}: optional white space and sign, then digits; 0 when there are none. */
    static int atoi(String s) {
        Long v = new CScan(s, 0).dec();
        return v == null ? 0 : (int) (long) v;
    }
}
