// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import org.guestd.core.AgentException;

/** A clock outside the guest's own that tells the host's time: a hypervisor PTP clock or the RTC. */
public interface TimeSource {
    /** For logs and the audit: e.g. {@code "ptp0 (KVM virtual PTP)"}, {@code "rtc0"}. */
    String describe();

    /**
     * The source's time, ns since the epoch. A source coarser than a nanosecond (the RTC counts
     * seconds) returns its best estimate and says so in {@link #resolutionNanos()}.
     */
    long nowNanos() throws AgentException;

    /** The source's resolution: offsets smaller than this are noise. */
    long resolutionNanos();

    /** Releases what the source holds open. */
    default void close() {}
}
