// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.stats;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.core.AgentException;
import org.guestd.guestinfo.GuestInfo.DiskStats;
import org.guestd.guestinfo.GuestInfo.IoCounters;
import org.guestd.guestinfo.util.CScan;
import org.guestd.guestinfo.util.ProcFile;

/**
 * guest-get-diskstats as qemu-ga (7.1 and later) reads {@code /proc/diskstats}: each line is
 * {@code sscanf("%u %u %s %lu %lu %lu %lu %lu %lu %lu %u %u %u %u %lu %lu %lu %u %lu %u")}.
 * Fewer than 7 conversions: the line is skipped. Exactly 7 (the old 4-counter partition format):
 * read-ios, read-sectors, write-ios, write-sectors. 8 to 13: no counters at all. 14 or more: the 11
 * classic counters; 18 or more adds the discard counters, 20 the flush counters. {@code %u}
 * fields keep 32 bits, as C's {@code unsigned int} destinations do.
 */
public final class DiskStatsCollector {
    static final String SHOWN = "/proc/diskstats";

    private final Path file;

    /** @param file {@code <proc>/diskstats} */
    public DiskStatsCollector(Path file) {
        this.file = file;
    }

    public List<DiskStats> collect() throws AgentException {
        return parse(ProcFile.read(file, SHOWN));
    }

    /** The entries of a diskstats text, in line order. */
    public static List<DiskStats> parse(String text) {
        List<DiskStats> out = new ArrayList<>();
        for (String line : ProcFile.lines(text)) {
            DiskStats d = parseLine(line);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /** The 20 destinations of qemu's format: 'u' = unsigned int, 'l' = unsigned long, 's' = string. */
    private static final String FORMAT = "uusllllllluuuulllulu";

    static DiskStats parseLine(String line) {
        CScan c = new CScan(line, 0);
        long[] v = new long[FORMAT.length()];
        String name = null;
        int n = 0;
        for (int i = 0; i < 20; i++) {
            char kind = FORMAT.charAt(i);
            if (kind == 's') {
                name = c.token(Integer.MAX_VALUE);
                if (name == null) {
                    break;
                }
            } else {
                Long x = c.dec();
                if (x == null) {
                    break;
                }
                v[i] = kind == 'u' ? CScan.u32(x) : x;
            }
            n++;
        }
        if (n < 7) {
            return null;
        }
        // v[3..]: rd_ios, rd_merges_or_rd_sec, rd_sec_or_wr_ios, rd_ticks_or_wr_sec, wr_ios, wr_merges,
        // wr_sec, wr_ticks, ios_pgr, tot_ticks, rq_ticks, dc_ios, dc_merges, dc_sec, dc_ticks, fl_ios, fl_ticks
        Long readIos = null;
        Long readMerges = null;
        Long readSectors = null;
        Long readTicks = null;
        Long writeIos = null;
        Long writeMerges = null;
        Long writeSectors = null;
        Long writeTicks = null;
        Long iosPgr = null;
        Long totalTicks = null;
        Long weightTicks = null;
        if (n == 7) {
            readIos = v[3];
            readSectors = v[4];
            writeIos = v[5];
            writeSectors = v[6];
        }
        if (n >= 14) {
            readIos = v[3];
            readMerges = v[4];
            readSectors = v[5];
            readTicks = v[6];
            writeIos = v[7];
            writeMerges = v[8];
            writeSectors = v[9];
            writeTicks = v[10];
            iosPgr = v[11];
            totalTicks = v[12];
            weightTicks = v[13];
        }
        boolean discard = n >= 18;
        boolean flush = n >= 20;
        IoCounters io = new IoCounters(readIos, readMerges, readSectors, readTicks, writeIos, writeMerges,
                writeSectors, writeTicks, iosPgr, totalTicks, weightTicks,
                discard ? v[14] : null, discard ? v[15] : null, discard ? v[16] : null, discard ? v[17] : null,
                flush ? v[18] : null, flush ? v[19] : null);
        return new DiskStats(name, v[0], v[1], io);
    }
}
