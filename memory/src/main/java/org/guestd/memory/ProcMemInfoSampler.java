// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.core.env.HostPaths;

/** {@link MemInfoSampler} over {@code <proc>/meminfo}. */
public final class ProcMemInfoSampler implements MemInfoSampler {
    private final Path file;
    private final Clock clock;
    private volatile MemInfo latest;

    public ProcMemInfoSampler(HostPaths paths, Clock clock) {
        this.file = paths.proc("meminfo");
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public MemInfo read() throws AgentException {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            throw AgentException.generic("cannot read /proc/meminfo: " + e.getMessage(), e);
        }
        MemInfo m = MemInfo.parse(text, clock.realtimeNanos());
        latest = m;
        return m;
    }

    @Override
    public Optional<MemInfo> latest() {
        return Optional.ofNullable(latest);
    }
}
