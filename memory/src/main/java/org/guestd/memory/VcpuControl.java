// SPDX-License-Identifier: Apache-2.0
package org.guestd.memory;

import java.util.List;
import org.guestd.core.AgentException;

/**
 * vCPU hot-(un)plug under {@code /sys/devices/system/cpu}, exported by the {@code memory}
 * service, with qemu-ga's guest-set-vcpus semantics.
 */
public interface VcpuControl {
    /** A requested state for one logical CPU. */
    record Request(long logicalId, boolean online) {}

    /**
     * Applies the requests in order and stops at the first failure.
     *
     * @return how many requests were processed successfully before the first failure (or all)
     * @throws AgentException the first request's error when not even one could be processed
     *     (e.g. {@code logical processor #0 can't be offlined})
     */
    long set(List<Request> requests) throws AgentException;
}
