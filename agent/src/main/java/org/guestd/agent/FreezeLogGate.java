// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.util.ArrayDeque;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import org.guestd.freeze.FreezeListener;
import org.slf4j.LoggerFactory;

/**
 * The log's side of "no disk writes while frozen" (open-vm-tools #650, hv_vss_daemon's syslog
 * deadlock): sits in front of the real appender; while filesystems are frozen every event is kept
 * in memory (at most {@link #MAX_HELD}, the oldest dropped beyond that and counted), and after the
 * thaw they are written in order, followed by a line saying how many were dropped. A log file or
 * journald on a frozen filesystem would otherwise block the agent that must thaw it.
 */
final class FreezeLogGate extends UnsynchronizedAppenderBase<ILoggingEvent> implements FreezeListener {
    static final int MAX_HELD = 10_000;

    private final Appender<ILoggingEvent> target;
    private final ArrayDeque<ILoggingEvent> held = new ArrayDeque<>();
    private boolean holding;
    private long dropped;

    FreezeLogGate(Appender<ILoggingEvent> target) {
        this.target = target;
    }

    @Override
    protected void append(ILoggingEvent event) {
        synchronized (held) {
            if (holding) {
                try {
                    event.prepareForDeferredProcessing(); // freeze message, thread name and MDC now
                } catch (RuntimeException e) {
                    event.getFormattedMessage(); // a context without an MDC adapter: the message at least
                }
                if (held.size() >= MAX_HELD) {
                    held.removeFirst();
                    dropped++;
                }
                held.addLast(event);
                return;
            }
            target.doAppend(event);
        }
    }

    @Override
    public void beforeFreeze() {
        synchronized (held) {
            holding = true;
        }
    }

    @Override
    public void afterThaw() {
        synchronized (held) {
            holding = false;
            while (!held.isEmpty()) {
                target.doAppend(held.removeFirst());
            }
            if (dropped > 0) {
                LoggerFactory.getLogger("org.guestd.agent")
                        .warn("{} log lines were dropped while filesystems were frozen", dropped);
                dropped = 0;
            }
        }
    }

    /** Whether output is being held (tests). */
    boolean holding() {
        synchronized (held) {
            return holding;
        }
    }

    /** How many events are held (tests). */
    int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }
}
