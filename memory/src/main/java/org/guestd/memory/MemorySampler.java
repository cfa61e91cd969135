// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.MemoryFact;

/**
 * Takes memory samples: {@code <proc>/meminfo} (required), {@code <proc>/pressure/memory} (PSI,
 * where the kernel has it) and the balloon's size from debugfs (where readable). Thread-safe; the
 * newest sample is kept for whoever asks between samples (QGA's memory-stats command).
 */
public final class MemorySampler {
    private final Path meminfo;
    private final Path pressure;
    private final Balloon balloon;
    private final Clock clock;
    private volatile MemoryFact latest;

    public MemorySampler(HostPaths paths, Clock clock) {
        this.meminfo = paths.proc("meminfo");
        this.pressure = paths.proc("pressure/memory");
        this.balloon = new Balloon(paths.sys());
        this.clock = Objects.requireNonNull(clock);
    }

    /** Reads the system now; the result also becomes {@link #latest()}. */
    public MemoryFact sample() throws AgentException {
        byte[] text;
        try {
            text = Files.readAllBytes(meminfo);
        } catch (IOException e) {
            throw AgentException.generic("cannot read /proc/meminfo: " + e.getMessage(), e);
        }
        MemoryFact f = MemInfo.parse(text, clock.realtimeNanos()).toFact(readPressure(), balloon.bytes());
        if (f == null) {
            throw AgentException.generic("/proc/meminfo has no MemTotal");
        }
        latest = f;
        return f;
    }

    private MemoryFact.Pressure readPressure() {
        try {
            return Psi.parse(new String(Files.readAllBytes(pressure), StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return null; // no PSI (kernel < 4.20, or psi=0)
        }
    }

    /** The newest sample, if one was taken. */
    public Optional<MemoryFact> latest() {
        return Optional.ofNullable(latest);
    }

    /**
     * The newest sample if it is at most {@code maxAge} old (wall clock; a sample from the future, after
     * the clock was set back, counts as old), else a new one.
     */
    public MemoryFact latestWithin(Duration maxAge) throws AgentException {
        MemoryFact f = latest;
        if (f != null) {
            long age = clock.realtimeNanos() - f.sampledAtNanos();
            if (age >= 0 && age <= maxAge.toNanos()) {
                return f;
            }
        }
        return sample();
    }
}
