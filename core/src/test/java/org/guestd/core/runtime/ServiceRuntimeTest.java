// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.core.AgentException;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.env.HostPaths;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.guestd.core.spi.ServiceContext;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FakeCommandRunner;
import org.junit.jupiter.api.Test;

class ServiceRuntimeTest {
    final List<String> log = new CopyOnWriteArrayList<>();

    class Svc implements AgentService {
        final String name;
        final boolean available;
        final boolean failStart;
        ServiceContext ctx;

        Svc(String name, boolean available, boolean failStart) {
            this.name = name;
            this.available = available;
            this.failStart = failStart;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Availability probe(ServiceContext c) {
            return available ? Availability.available() : Availability.unavailable("no device");
        }

        @Override
        public void start(ServiceContext c) throws AgentException {
            ctx = c;
            if (failStart) {
                throw AgentException.generic("boom");
            }
            log.add("start " + name);
        }

        @Override
        public void stop() {
            log.add("stop " + name);
        }
    }

    private ServiceRuntime runtime(AgentConfig config) {
        return new ServiceRuntime(config, new FakeClock(0), HostPaths.under(Path.of("/nonexistent")),
                new FakeCommandRunner(), r -> log.add("fatal " + r));
    }

    @Test
    void startsInOrderSkipsUnavailableStopsInReverse() throws Exception {
        try (ServiceRuntime rt = runtime(AgentConfig.empty())) {
            List<String> started = rt.start(List.of(new Svc("a", true, false), new Svc("b", false, false),
                    new Svc("c", true, false)));
            assertEquals(List.of("a", "c"), started);
            rt.stopAll();
            rt.stopAll();
        }
        assertEquals(List.of("start a", "start c", "stop c", "stop a"), log);
    }

    @Test
    void failedStartStopsWhatWasStartedAndRethrows() {
        try (ServiceRuntime rt = runtime(AgentConfig.empty())) {
            AgentException e = assertThrows(AgentException.class,
                    () -> rt.start(List.of(new Svc("a", true, false), new Svc("b", true, true))));
            assertEquals("boom", e.getMessage());
        }
        assertEquals(List.of("start a", "stop a"), log);
    }

    @Test
    void contextGivesSectionTasksAndFail() throws Exception {
        Svc a = new Svc("a", true, false);
        Svc b = new Svc("b", true, false);
        try (ServiceRuntime rt = runtime(AgentConfig.of(Map.of("a", Map.of("k", "v"), "general", Map.of("g", "1"))))) {
            rt.start(List.of(a, b));
            assertEquals("v", a.ctx.config().getString("k", null));
            assertEquals("1", b.ctx.general().getString("g", null));
            CountDownLatch ticks = new CountDownLatch(3);
            a.ctx.every(Duration.ofMillis(5), "tick", () -> {
                ticks.countDown();
                throw new IllegalStateException("a failing task keeps being scheduled");
            });
            assertTrue(ticks.await(5, TimeUnit.SECONDS));

            // a slow task never overlaps itself: periods that come due while it runs are skipped
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            CountDownLatch slowRuns = new CountDownLatch(3);
            AutoCloseable slow = a.ctx.every(Duration.ofMillis(1), "slow", () -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                slowRuns.countDown();
            });
            assertTrue(slowRuns.await(5, TimeUnit.SECONDS));
            slow.close();
            assertEquals(1, maxRunning.get());

            a.ctx.fail("device vanished");
            assertTrue(log.contains("fatal a: device vanished"), log.toString());
        }
    }

    @Test
    void onceRunsOnceAndNotAfterCancel() throws Exception {
        Svc a = new Svc("a", true, false);
        try (ServiceRuntime rt = runtime(AgentConfig.empty())) {
            rt.start(List.of(a));
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger cancelledRan = new AtomicInteger();
            a.ctx.once(Duration.ofMillis(5), "debounce", ran::incrementAndGet);
            AutoCloseable cancelled = a.ctx.once(Duration.ofMillis(40), "cancelled", cancelledRan::incrementAndGet);
            cancelled.close();
            // a witness: once it has ticked 20 times (each 5 ms after the previous run), both one-shots are long due
            CountDownLatch witness = new CountDownLatch(20);
            a.ctx.every(Duration.ofMillis(5), "witness", witness::countDown);
            assertTrue(witness.await(10, TimeUnit.SECONDS));
            assertEquals(1, ran.get(), "a one-shot task runs exactly once");
            assertEquals(0, cancelledRan.get(), "a one-shot task cancelled before its time never runs");
        }
    }
}
