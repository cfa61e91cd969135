// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.util.Optional;
import java.util.function.Consumer;
import org.guestd.core.AgentException;

/**
 * Memory statistics from {@code /proc/meminfo}, exported by the {@code memory} service for the
 * channels that publish them (Hyper-V dynamic memory, Xen {@code data/meminfo_*}, VMware).
 * The service samples periodically ({@code [memory] meminfo-interval}); anyone may also read on
 * demand.
 */
public interface MemInfoSampler {
    /** Reads /proc/meminfo now; the result also becomes {@link #latest()} and goes to the listeners. */
    MemInfo read() throws AgentException;

    /** The most recent sample, periodic or on demand; empty before the first one. */
    Optional<MemInfo> latest();

    /**
     * Calls {@code listener} with every new sample (on the sampling thread).
     *
     * @return closing it removes the listener
     */
    AutoCloseable onSample(Consumer<MemInfo> listener);
}
