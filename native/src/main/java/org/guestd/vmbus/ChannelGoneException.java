// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import java.io.IOException;

/**
 * The VMBus channel behind a UIO device is gone: {@code read()} failed with EIO or ENODEV (the host
 * rescinded the channel, e.g. "Guest services" were disabled; the driver then fails every read) or
 * the interrupt descriptor reached end of file. Nothing on this device will work again; the device
 * comes back, if at all, as a new one (udev add).
 */
public final class ChannelGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    public ChannelGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
