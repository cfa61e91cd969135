// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling. A JVM stopped through its default handler exits with status 143;
 * qemu-ga exits 0 on SIGTERM (its test suite asserts it, and systemd units expect it), so guestd
 * installs its own handlers that ask the agent to stop cleanly.
 */
final class Signals {
    private Signals() {}

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> stop.run());
        }
    }
}
