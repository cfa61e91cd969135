// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.util.ArrayList;
import java.util.List;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.guestd.jna.linux.LinuxNative;
import org.guestd.jna.linux.NativeException;
import org.guestd.transport.IoLoop;
import org.guestd.transport.KernelEventWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's change signals: an address or link change (rtnetlink) refreshes the interface
 * facts; a step of the wall clock (a resume, a snapshot restore) refreshes every fact and has the
 * clock checked against the hypervisor's, at once instead of at the next period. Both descriptors sleep in the event loop's epoll set: no wake-ups while
 * nothing happens. Without them the periodic refresh still runs.
 */
final class FactTriggers implements AgentService {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.agent");

    private final IoLoop loop;
    private final FactPublisher facts;
    private final Runnable checkClock;
    private final List<KernelEventWatch> watches = new ArrayList<>();

    /** @param checkClock runs on a worker after a clock step (the healer's check; it may run a program) */
    FactTriggers(IoLoop loop, FactPublisher facts, Runnable checkClock) {
        this.loop = loop;
        this.facts = facts;
        this.checkClock = checkClock;
    }

    @Override
    public String name() {
        return "fact-triggers";
    }

    @Override
    public void start(ServiceContext ctx) {
        if (!LinuxNative.isAvailable()) {
            LOG.info("facts are refreshed periodically only: {}", LinuxNative.availability());
            return;
        }
        try {
            watches.add(KernelEventWatch.addressChanges(loop, () -> facts.refresh(FactKind.INTERFACE)));
        } catch (NativeException e) {
            LOG.info("address changes are not watched ({}); interface facts refresh periodically", e.getMessage());
        }
        try {
            watches.add(KernelEventWatch.clockJumps(loop, () -> {
                facts.refreshAll();
                ctx.blocking().execute(() -> {
                    try {
                        checkClock.run();
                    } catch (RuntimeException e) {
                        LOG.debug("clock check after a step failed: {}", e.toString());
                    }
                });
            }));
        } catch (NativeException e) {
            LOG.info("clock steps are not watched ({}); facts refresh periodically", e.getMessage());
        }
    }

    @Override
    public void stop() {
        watches.forEach(KernelEventWatch::close);
        watches.clear();
    }
}
