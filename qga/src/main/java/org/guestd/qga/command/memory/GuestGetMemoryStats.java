// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.memory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.facts.MemoryFact;
import org.guestd.memory.MemoryReporter;
import org.guestd.memory.MemorySampler;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.BaseCommand;

/**
 * {@code __org.guestd_guest-get-memory-stats} — a downstream extension (QAPI names a vendor's
 * command {@code __RFQDN_name}), not in qemu-ga: the guest's memory as the guest sees it, which
 * hosts otherwise only get by {@code guest-exec cat /proc/meminfo}. Answers the newest sample when
 * it is at most {@link #MAX_AGE} old (the memory reporter's, while a channel listens to facts), else
 * takes one.
 *
 * <p>Reply: {@code {total-bytes, free-bytes, available-bytes, buffers-bytes, cached-bytes,
 * swap-total-bytes, swap-free-bytes, committed-bytes, hugepages-total, hugepages-free,
 * hugepage-bytes, [balloon-bytes], [pressure: {some-avg10, some-avg60, some-total-us, full-avg10,
 * full-avg60, full-total-us}], sample-age-ms}}; byte counts are uint64, the averages percent.
 */
public final class GuestGetMemoryStats extends BaseCommand {
    public static final String NAME = "__org.guestd_guest-get-memory-stats";
    /** How old an answered sample may be: the reporter's default check interval. */
    public static final Duration MAX_AGE = MemoryReporter.DEFAULT_CHECK_INTERVAL;

    private final Optional<MemorySampler> sampler;
    private final Clock clock;

    public GuestGetMemoryStats(Optional<MemorySampler> sampler, Clock clock) {
        super(NAME);
        this.sampler = sampler;
        this.clock = clock;
    }

    @Override
    public Object execute(Args args) throws AgentException {
        MemorySampler s = sampler.orElseThrow(AgentException::unsupported);
        MemoryFact f = s.latestWithin(MAX_AGE);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total-bytes", Wire.u64(f.totalBytes()));
        m.put("free-bytes", Wire.u64(f.freeBytes()));
        m.put("available-bytes", Wire.u64(f.availableBytes()));
        m.put("buffers-bytes", Wire.u64(f.buffersBytes()));
        m.put("cached-bytes", Wire.u64(f.cachedBytes()));
        m.put("swap-total-bytes", Wire.u64(f.swapTotalBytes()));
        m.put("swap-free-bytes", Wire.u64(f.swapFreeBytes()));
        m.put("committed-bytes", Wire.u64(f.committedBytes()));
        m.put("hugepages-total", Wire.u64(f.hugePagesTotal()));
        m.put("hugepages-free", Wire.u64(f.hugePagesFree()));
        m.put("hugepage-bytes", Wire.u64(f.hugePageBytes()));
        if (f.balloonBytes() >= 0) {
            m.put("balloon-bytes", Wire.u64(f.balloonBytes()));
        }
        if (f.pressure() != null) {
            MemoryFact.Pressure p = f.pressure();
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("some-avg10", p.someAvg10());
            pm.put("some-avg60", p.someAvg60());
            pm.put("some-total-us", Wire.u64(p.someTotalMicros()));
            pm.put("full-avg10", p.fullAvg10());
            pm.put("full-avg60", p.fullAvg60());
            pm.put("full-total-us", Wire.u64(p.fullTotalMicros()));
            m.put("pressure", pm);
        }
        m.put("sample-age-ms", Math.max(0, (clock.realtimeNanos() - f.sampledAtNanos()) / 1_000_000));
        return m;
    }
}
