// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;

/**
 * Keeps systemd's watchdog fed ({@code WatchdogSec=} in the unit): {@code WATCHDOG=1} every half
 * watchdog period, from a periodic task on the agent's worker pool, so a wedged pool or timer
 * stops the pings and systemd restarts the agent. Runs last, so it stops first and
 * {@code STOPPING=1} is the first thing systemd hears when the agent shuts down. READY is sent
 * by {@link Agent} once every service has started.
 */
final class SystemdService implements AgentService {
    private final SystemdNotifier notifier;

    SystemdService(SystemdNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public String name() {
        return "systemd";
    }

    @Override
    public void start(ServiceContext ctx) {
        notifier.watchdogPeriod().ifPresent(p -> ctx.every(p, "watchdog", notifier::watchdog));
    }

    @Override
    public void stop() {
        notifier.stopping("stopping");
    }
}
