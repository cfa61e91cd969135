// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.guestd.core.spi.ServiceContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SystemdNotifierTest {
    private final List<String> sent = new ArrayList<>();

    private SystemdNotifier notifier(Map<String, String> env) {
        return new SystemdNotifier(env, 4242, (socket, msg) -> sent.add(socket + "|" + msg));
    }

    @Test
    void silentOutsideSystemd() {
        SystemdNotifier n = notifier(Map.of("WATCHDOG_USEC", "1000000"));
        n.ready("x");
        n.watchdog();
        n.stopping("y");
        assertFalse(n.enabled());
        assertTrue(sent.isEmpty());
        assertEquals(Optional.empty(), n.watchdogPeriod());
    }

    @Test
    void messagesInSdNotifyFormat() {
        SystemdNotifier n = notifier(Map.of("NOTIFY_SOCKET", "@/org/freedesktop/systemd1/notify"));
        n.status("starting");
        n.ready("serving QGA on unix-listen /run/guestd/qga.sock");
        n.watchdog();
        n.stopping("line one\nline two");
        assertEquals(List.of("@/org/freedesktop/systemd1/notify|STATUS=starting",
                "@/org/freedesktop/systemd1/notify|READY=1\nSTATUS=serving QGA on unix-listen /run/guestd/qga.sock",
                "@/org/freedesktop/systemd1/notify|WATCHDOG=1",
                "@/org/freedesktop/systemd1/notify|STOPPING=1\nSTATUS=line one line two"), sent);
    }

    @Test
    void watchdogAtHalfTheTimeoutForThisPidOnly() {
        assertEquals(Optional.of(Duration.ofSeconds(15)),
                SystemdNotifier.watchdogPeriod(Map.of("WATCHDOG_USEC", "30000000"), 4242));
        assertEquals(Optional.of(Duration.ofMillis(100)),
                SystemdNotifier.watchdogPeriod(Map.of("WATCHDOG_USEC", "200000", "WATCHDOG_PID", "4242"), 4242));
        assertEquals(Optional.empty(),
                SystemdNotifier.watchdogPeriod(Map.of("WATCHDOG_USEC", "200000", "WATCHDOG_PID", "1"), 4242));
        assertEquals(Optional.empty(), SystemdNotifier.watchdogPeriod(Map.of("WATCHDOG_USEC", "0"), 4242));
        assertEquals(Optional.empty(), SystemdNotifier.watchdogPeriod(Map.of("WATCHDOG_USEC", "soon"), 4242));
        assertEquals(Optional.empty(), SystemdNotifier.watchdogPeriod(Map.of(), 4242));
    }

    @Test
    void sendFailureNeverEscapesIsWarnedOnceAndLaterSendsAreStillTried() {
        List<String> tried = new ArrayList<>();
        SystemdNotifier n = new SystemdNotifier(Map.of("NOTIFY_SOCKET", "/nonexistent"), 1, (s, m) -> {
            tried.add(m);
            if (tried.size() == 2) {
                throw new IllegalStateException("a bug in the sender");
            }
            throw new IOException("sendto(/nonexistent) failed: ENOENT");
        });
        Logger logger = (Logger) LoggerFactory.getLogger("org.guestd.agent.systemd");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            assertDoesNotThrow(() -> {
                n.ready("a");
                n.ready("b");
                n.stopping("c");
            });
        } finally {
            logger.detachAppender(appender);
        }
        assertEquals(List.of("READY=1\nSTATUS=a", "READY=1\nSTATUS=b", "STOPPING=1\nSTATUS=c"), tried);
        assertEquals(1, appender.list.stream().filter(e -> e.getLevel() == Level.WARN).count(),
                "one warning, then debug: " + appender.list);
    }

    @Test
    void serviceSchedulesPingsAndSaysStoppingOnStop() {
        SystemdNotifier n = notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "4000000"));
        List<String> scheduled = new ArrayList<>();
        ServiceContext ctx = (ServiceContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("every")) {
                        scheduled.add(args[0] + " " + args[1]);
                        ((Runnable) args[2]).run();
                        return (AutoCloseable) () -> {};
                    }
                    throw new AssertionError("unexpected " + method.getName());
                });
        SystemdService s = new SystemdService(n, HEALTHY);
        s.start(ctx);
        s.stop();
        assertEquals(List.of("PT2S watchdog"), scheduled);
        assertEquals(List.of("/run/systemd/notify|WATCHDOG=1", "/run/systemd/notify|STOPPING=1\nSTATUS=stopping"), sent);
    }

    @Test
    void noWatchdogTaskWithoutWatchdog() {
        ServiceContext ctx = (ServiceContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceContext.class}, (proxy, method, args) -> {
                    throw new AssertionError("unexpected " + method.getName());
                });
        new SystemdService(notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify")), HEALTHY).start(ctx);
        assertTrue(sent.isEmpty());
    }

    static final LivenessCheck HEALTHY = new LivenessCheck(ms -> true, () -> 0, Duration.ofSeconds(5),
            Duration.ofMinutes(10));

    @Test
    void theWatchdogIsFedOnlyWhileTheLoopAnswersAndNoWorkerIsStuck() {
        SystemdNotifier n = notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "4000000"));
        AtomicBoolean loopAnswers = new AtomicBoolean(true);
        AtomicLong longestWorker = new AtomicLong();
        List<Long> asked = new ArrayList<>();
        LivenessCheck check = new LivenessCheck(ms -> {
            asked.add(ms);
            return loopAnswers.get();
        }, longestWorker::get, Duration.ofSeconds(5), Duration.ofMinutes(10));
        SystemdService s = new SystemdService(n, check);
        s.feed();
        assertEquals(List.of("/run/systemd/notify|WATCHDOG=1"), sent);
        assertEquals(List.of(5000L), asked, "the loop is probed with the deadline");
        loopAnswers.set(false);
        s.feed();
        s.feed();
        assertEquals(1, sent.size(), "a loop that does not answer: no ping");
        loopAnswers.set(true);
        longestWorker.set(Duration.ofMinutes(11).toNanos());
        s.feed();
        assertEquals(1, sent.size(), "a worker stuck past the limit: no ping");
        assertEquals(Optional.of("a worker task has been running for 660 s (limit 600 s)"), check.problem());
        longestWorker.set(Duration.ofMinutes(9).toNanos());
        s.feed();
        assertEquals(2, sent.size(), "working again: pinged");
    }
}
