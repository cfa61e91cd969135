// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the host is on the other end of an {@link FdLink} in {@link FdLink.EofPolicy#HOST_ABSENT}
 * mode (virtio-serial, UART): end of file means "no host right now", not "gone". While the host is
 * absent, {@code retry} (a read and a flush) runs after a capped backoff, 100 ms to 1 s, until the
 * host is seen again or the link ends; an edge from epoll may find it first. Loop thread only.
 */
final class HostPresence {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");

    private final IoLoop io;
    private final String describe;
    private final BooleanSupplier open;
    private final Runnable retry;
    private final Backoff backoff = new Backoff(100, 1000);
    private boolean absent;
    private Future<?> timer;

    /**
     * @param open whether the link is still open (no retry is scheduled or run after it ended)
     * @param retry what finds the host back: a read and a flush of the link
     */
    HostPresence(IoLoop io, String describe, BooleanSupplier open, Runnable retry) {
        this.io = io;
        this.describe = describe;
        this.open = open;
        this.retry = retry;
    }

    boolean isAbsent() {
        return absent;
    }

    /** End of file, or a hangup reads cannot clear: the host is not there; retried on a timer. */
    void absent() {
        if (!absent) {
            absent = true;
            LOG.info("{}: host not connected (end of file); waiting for it", describe);
            backoff.reset();
        }
        schedule();
    }

    /** Data came, or a write went through: the host is there. */
    void present() {
        if (absent) {
            absent = false;
            LOG.info("{}: host connected", describe);
            cancel();
        }
    }

    /** The link ended: no more retries. */
    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void schedule() {
        if (timer == null && open.getAsBoolean()) {
            timer = io.schedule(() -> {
                timer = null;
                if (open.getAsBoolean() && absent) {
                    retry.run();
                    if (open.getAsBoolean() && absent) {
                        schedule();
                    }
                }
            }, backoff.next());
        }
    }
}
