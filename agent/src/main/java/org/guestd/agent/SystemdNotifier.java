// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.guestd.jna.linux.SdNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service-manager side of {@code Type=notify}: READY, STATUS, WATCHDOG and STOPPING messages
 * to {@code $NOTIFY_SOCKET} (sd_notify(3)), and the watchdog period from {@code $WATCHDOG_USEC} /
 * {@code $WATCHDOG_PID} (sd_watchdog_enabled(3)). Outside systemd ({@code $NOTIFY_SOCKET} unset)
 * every call is a no-op. A failed send is logged once at warn and then at debug: notification
 * is best effort, as in libsystemd, and never stops the agent.
 */
final class SystemdNotifier {
    /** Sends one notification datagram; {@link SdNotify#send} in production. */
    @FunctionalInterface
    interface Sender {
        void send(String socket, String message) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.agent.systemd");

    private final String socket;
    private final Optional<Duration> watchdogPeriod;
    private final Sender sender;
    private final AtomicBoolean warned = new AtomicBoolean();

    SystemdNotifier(Map<String, String> env, long ownPid, Sender sender) {
        String s = env.get("NOTIFY_SOCKET");
        this.socket = s == null || s.isEmpty() ? null : s;
        this.watchdogPeriod = this.socket == null ? Optional.empty() : watchdogPeriod(env, ownPid);
        this.sender = sender;
    }

    /** For the running agent: the process environment, this pid, JNA sendto. */
    static SystemdNotifier fromEnvironment(Map<String, String> env) {
        return new SystemdNotifier(env, ProcessHandle.current().pid(), SdNotify::send);
    }

    /** True when started by systemd with a notification socket. */
    boolean enabled() {
        return socket != null;
    }

    /**
     * How often to send {@code WATCHDOG=1}: half of {@code $WATCHDOG_USEC} (as sd_watchdog_enabled(3)
     * recommends), when it is a positive number and {@code $WATCHDOG_PID} is absent or this pid.
     */
    static Optional<Duration> watchdogPeriod(Map<String, String> env, long ownPid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null) {
            return Optional.empty();
        }
        String pid = env.get("WATCHDOG_PID");
        try {
            if (pid != null && Long.parseLong(pid.trim()) != ownPid) {
                return Optional.empty(); // meant for another process (e.g. a wrapper that exec'd us differently)
            }
            long us = Long.parseLong(usec.trim());
            return us <= 0 ? Optional.empty() : Optional.of(Duration.ofNanos(us * 1000 / 2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The period at which {@link #watchdog()} must be called, if systemd asked for pings. */
    Optional<Duration> watchdogPeriod() {
        return watchdogPeriod;
    }

    /** {@code READY=1} with a status line: services are up and the channel is served. */
    void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** {@code STATUS=…}: shown by {@code systemctl status}. */
    void status(String status) {
        send("STATUS=" + oneLine(status));
    }

    /** {@code WATCHDOG=1}: the agent's worker pool is alive. */
    void watchdog() {
        send("WATCHDOG=1");
    }

    /** {@code STOPPING=1} with a status line: the agent has begun to stop. */
    void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    private void send(String message) {
        if (socket == null) {
            return;
        }
        try {
            sender.send(socket, message);
        } catch (IOException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("cannot notify systemd on {}: {}", socket, e.getMessage());
            } else {
                LOG.debug("cannot notify systemd on {}: {}", socket, e.getMessage());
            }
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }
}
