// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.time.Duration;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.FactSource;

/**
 * Publishes the memory fact ({@link FactKind#MEMORY}) from a {@link MemInfoSampler}. Config
 * section {@code [memory]}: {@code meminfo-interval} (duration, default 60 s) — how often it is
 * sampled while a channel listens; 0 samples only when a channel subscribes or asks.
 */
public final class MemoryFacts {
    public static final String KEY_MEMINFO_INTERVAL = "meminfo-interval";
    public static final Duration DEFAULT_MEMINFO_INTERVAL = Duration.ofSeconds(60);

    private MemoryFacts() {}

    /** The sampling period of {@code [memory]}. */
    public static Duration interval(ConfigSection memory) throws AgentException {
        Duration interval = memory.getDuration(KEY_MEMINFO_INTERVAL, DEFAULT_MEMINFO_INTERVAL);
        if (interval.isNegative()) {
            throw AgentException.generic("[memory] meminfo-interval must not be negative, got " + interval);
        }
        return interval;
    }

    /** Registers {@code sampler} as the source of the memory fact, read every {@code interval}. */
    public static void register(FactPublisher facts, MemInfoSampler sampler, Duration interval) {
        facts.addSource(FactKind.MEMORY, interval, FactSource.single(() -> sampler.read().toFact()));
    }
}
