// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.time.Duration;
import org.guestd.core.AgentException;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code memory} service: exports {@link MemoryBlocks}, {@link VcpuControl} and
 * {@link MemInfoSampler} over the context's /sys and /proc roots. Config section {@code [memory]}:
 * {@code meminfo-interval} (duration, default 60 s; 0 turns periodic sampling off — on-demand
 * reads still work).
 */
public final class MemoryService implements AgentService {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.memory");

    public static final String NAME = "memory";
    public static final String KEY_MEMINFO_INTERVAL = "meminfo-interval";
    public static final Duration DEFAULT_MEMINFO_INTERVAL = Duration.ofSeconds(60);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ServiceContext ctx) throws AgentException {
        Duration interval = ctx.config().getDuration(KEY_MEMINFO_INTERVAL, DEFAULT_MEMINFO_INTERVAL);
        if (interval.isNegative()) {
            throw AgentException.generic("[memory] meminfo-interval must not be negative, got " + interval);
        }
        ProcMemInfoSampler sampler = new ProcMemInfoSampler(ctx.paths(), ctx.clock());
        ctx.export(MemoryBlocks.class, new SysfsMemoryBlocks(ctx.paths()));
        ctx.export(VcpuControl.class, new SysfsVcpuControl(ctx.paths()));
        ctx.export(MemInfoSampler.class, sampler);
        if (!interval.isZero()) {
            ctx.every(interval, "meminfo", () -> {
                try {
                    sampler.read();
                } catch (AgentException e) {
                    throw new IllegalStateException(e.getMessage(), e); // every() logs it, rate-limited
                }
            });
        }
        LOG.debug("memory service started (meminfo every {})", interval.isZero() ? "never" : interval);
    }
}
