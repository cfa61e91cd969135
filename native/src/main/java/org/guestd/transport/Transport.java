// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.io.IOException;

/**
 * A host channel: a listening socket, a serial port, or a char device. Transport quirks stay
 * inside the implementation (virtio-serial's EOF while no host is connected, blocking writes,
 * reopen with backoff), so protocol code only sees {@link Link} sessions.
 */
public interface Transport extends AutoCloseable {
    /**
     * Opens the channel and starts delivering sessions to {@code handler} on the event loop.
     *
     * @throws IOException when the channel cannot be opened at all (missing path, bad address),
     *     except on a device transport made to retry a missing device; later errors are handled
     *     inside by reopening with capped backoff
     */
    void start(Link.Handler handler) throws IOException;

    /** For logs: method and path, e.g. {@code "virtio-serial:/dev/virtio-ports/org.qemu.guest_agent.0"}. */
    String describe();

    /** Closes the channel and every open session. Idempotent, never throws. */
    @Override
    void close();
}
