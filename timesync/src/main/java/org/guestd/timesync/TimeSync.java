// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import org.guestd.core.AgentException;

/**
 * The guest's wall clock (the agent builds it with {@link SystemTimeSync#fromConfig}): set it from the host's time
 * or from the RTC, read it. Protocol-neutral: QGA's guest-set-time, Hyper-V's time-sync IC and
 * VMware's time sync all end here. Every set writes one audit record.
 */
public interface TimeSync {
    /**
     * Steps the system clock to {@code nanos} (ns since the epoch, UTC), then writes it to the RTC
     * ({@code hwclock -w}), as qemu-ga's guest-set-time with a time.
     *
     * @param requester who asked, for the audit record
     * @throws AgentException qemu-ga's texts: unsupported (no hwclock), {@code Invalid time},
     *     {@code Failed to set time to guest: …}, {@code hwclock failed to set hardware clock to system time}
     */
    void setFromHost(long nanos, String requester) throws AgentException;

    /** Sets the system clock from the RTC ({@code hwclock -s}), as guest-set-time without a time. */
    void setFromRtc(String requester) throws AgentException;

    /** The wall clock now, ns since the epoch. */
    long now();
}
