// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.io.IOException;
import org.guestd.jna.linux.NativeException;

/**
 * A channel's device could not be opened, with the reason a protocol tells its user about: the
 * device is absent (not this hypervisor, module not loaded), busy (another daemon holds it — the
 * kernel allows one opener of a hv_utils device) or something else. Protocols see this, never
 * errno.
 */
public final class ChannelOpenException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the open failed. */
    public enum Reason { ABSENT, BUSY, OTHER }

    private final Reason reason;

    public ChannelOpenException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    static ChannelOpenException of(NativeException e) {
        Reason r = e.isNotFound() ? Reason.ABSENT : e.isBusy() ? Reason.BUSY : Reason.OTHER;
        return new ChannelOpenException(r, e.getMessage(), e);
    }

    public Reason reason() {
        return reason;
    }
}
