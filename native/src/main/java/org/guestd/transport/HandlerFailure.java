// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the links do when a {@link Link.Handler} callback throws, whatever it throws: nothing may
 * reach Netty, because its epoll loop rethrows an {@link Error} and the {@code guestd-io} thread
 * then ends for good. The link logs once and closes itself (a device transport reopens as usual).
 */
final class HandlerFailure {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport");

    private HandlerFailure() {}

    /**
     * Logs {@code t}, thrown by {@code what} (e.g. "the received handler") of {@code link}; never throws, even when
     * logging fails (e.g. out of memory again). A stack overflow or out-of-memory is logged without
     * its stack trace, which says nothing useful and can be a thousand frames long.
     */
    static void log(String link, String what, Throwable t) {
        try {
            if (t instanceof VirtualMachineError) {
                LOG.error("{}: {} threw {}; closing the link", link, what, t.toString());
            } else {
                LOG.error("{}: {} threw; closing the link", link, what, t);
            }
        } catch (Throwable ignored) {
            // nothing more can be done; the link is closed anyway
        }
    }
}
