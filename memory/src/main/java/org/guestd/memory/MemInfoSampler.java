// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.util.Optional;
import org.guestd.core.AgentException;

/**
 * Memory statistics from {@code /proc/meminfo}. The fact publisher reads it for the channels that
 * report memory ({@link MemoryFacts}); anyone may also read on demand.
 */
public interface MemInfoSampler {
    /** Reads /proc/meminfo now; the result also becomes {@link #latest()}. */
    MemInfo read() throws AgentException;

    /** The most recent sample; empty before the first one. */
    Optional<MemInfo> latest();
}
