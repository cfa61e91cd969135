// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.util.Optional;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps systemd's watchdog fed ({@code WatchdogSec=} in the unit) while the agent really works:
 * every half watchdog period a task on the worker pool asks the {@link LivenessCheck} (the I/O
 * loop answers, no worker is stuck) and only then sends {@code WATCHDOG=1}, so a wedged loop,
 * pool or timer stops the pings and systemd restarts the agent. Runs last, so it stops first and
 * {@code STOPPING=1} is the first thing systemd hears when the agent shuts down. READY is sent
 * by {@link Agent} once every service has started.
 */
final class SystemdService implements AgentService {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.agent.systemd");

    private final SystemdNotifier notifier;
    private final LivenessCheck liveness;
    private volatile String lastProblem;

    SystemdService(SystemdNotifier notifier, LivenessCheck liveness) {
        this.notifier = notifier;
        this.liveness = liveness;
    }

    @Override
    public String name() {
        return "systemd";
    }

    @Override
    public void start(ServiceContext ctx) {
        notifier.watchdogPeriod().ifPresent(p -> ctx.every(p, "watchdog", this::feed));
    }

    /** One watchdog tick: ping when the agent works; otherwise say why once and let systemd act. */
    void feed() {
        Optional<String> problem = liveness.problem();
        if (problem.isEmpty()) {
            if (lastProblem != null) {
                LOG.info("working again; systemd watchdog fed");
                lastProblem = null;
            }
            notifier.watchdog();
            return;
        }
        if (!problem.get().equals(lastProblem)) {
            lastProblem = problem.get();
            LOG.error("not feeding the systemd watchdog: {}", problem.get());
        }
    }

    @Override
    public void stop() {
        notifier.stopping("stopping");
    }
}
