// SPDX-License-Identifier: Apache-2.0
package org.guestd.timesync;

import org.guestd.core.AgentException;
import org.guestd.core.env.Clock;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;

/**
 * The live machine's clocks, settable: reads as {@link Clock#SYSTEM}, steps CLOCK_REALTIME with
 * clock_settime(2) through native's {@link Posix} facade. The agent wires it into the timesync
 * feature only; nothing else may step the clock, and no test ever uses this class.
 */
public final class NativeClock implements Clock {
    @Override
    public long realtimeNanos() {
        return Clock.SYSTEM.realtimeNanos();
    }

    @Override
    public long monotonicNanos() {
        return Clock.SYSTEM.monotonicNanos();
    }

    /** @throws AgentException with strerror's text (e.g. "Operation not permitted") when refused */
    @Override
    public void setRealtimeNanos(long nanos) throws AgentException {
        try {
            Posix.clockSetRealtime(nanos);
        } catch (NativeException e) {
            throw AgentException.generic(e.errnoText(), e);
        }
    }
}
