// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import org.guestd.core.AgentException;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.PtpClock;

/** A hypervisor's PTP clock ({@code /dev/ptpN}: KVM's ptp_kvm, Hyper-V's hv_utils), read through native. */
public final class PtpTimeSource implements TimeSource {
    private final String describe;
    private final PtpClock clock;

    private PtpTimeSource(String describe, PtpClock clock) {
        this.describe = describe;
        this.clock = clock;
    }

    /** Opens {@code device}; {@code name} is the clock_name sysfs gives it. */
    public static PtpTimeSource open(String device, String name) throws AgentException {
        try {
            return new PtpTimeSource(device + " (" + name + ")", PtpClock.open(device));
        } catch (NativeException e) {
            throw AgentException.generic("cannot open " + device + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public long nowNanos() throws AgentException {
        try {
            return clock.nowNanos();
        } catch (NativeException e) {
            throw AgentException.generic(e.getMessage(), e);
        }
    }

    @Override
    public long resolutionNanos() {
        return 1_000L;
    }

    @Override
    public void close() {
        clock.close();
    }
}
