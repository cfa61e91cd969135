// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit record of a power action: one line {@code requester=… action=… result=…} on the
 * logger {@code org.guestd.audit} (so it can be routed on its own), or to an injected sink.
 */
final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.audit");

    /** The default sink: the audit logger at INFO. */
    static final Consumer<String> LOGGER = LOG::info;

    private Audit() {}

    static String line(String requester, String action, String result) {
        return "power requester=" + requester + " action=" + action + " result=" + result;
    }
}
