// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract of {@link LinkExecutor}, which every protocol endpoint (QGA, Hyper-V, ...) relies on.
 * The test thread plays the link's I/O thread. A {@link ManualExecutor} makes the order of events
 * deterministic where a real pool is not needed; where it is, the test waits on latches.
 */
@Timeout(60) // hang guard only
class LinkExecutorTest {
    static final Logger LOG = LoggerFactory.getLogger("org.guestd.transport.test");
    static final long GUARD = MemoryLink.GUARD_MILLIS;
    /** Small budgets: fast path below 100 bytes waiting, hold back above 1000, pending weight 1000. */
    static final LinkExecutor.Limits SMALL = new LinkExecutor.Limits(1000, 100, 1000, 30_000_000_000L);

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Thread io = Thread.currentThread();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static LinkExecutor executor(Executor workers, LinkExecutor.Limits limits,
            Function<Throwable, ByteBuffer> failureReply) {
        return new LinkExecutor("test", LOG, workers, limits, failureReply);
    }

    /** What an endpoint does with a request: the fast path if it is quick and the queue allows, else the queue. */
    static boolean request(LinkExecutor ex, Link link, boolean quick, Callable<ByteBuffer> body) {
        if (quick && ex.tryInline(link, () -> call(body))) {
            return true;
        }
        ex.submit(link, 1, body);
        return false;
    }

    static ByteBuffer call(Callable<ByteBuffer> body) {
        try {
            return body.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aQuickRequestIsAnsweredInlineOnlyWhenEveryEarlierReplyIsOut() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        List<Thread> quickRanOn = new ArrayList<>();
        Callable<ByteBuffer> q1 = () -> {
            quickRanOn.add(Thread.currentThread());
            return text("Q1");
        };
        assertTrue(request(ex, link, true, q1), "idle: answered inline");
        assertEquals(List.of("Q1"), link.written());
        assertSame(io, quickRanOn.get(0));
        assertFalse(request(ex, link, false, () -> text("S2")));
        assertFalse(request(ex, link, true, () -> text("Q3")), "S2 is still queued: Q3 must wait its turn");
        assertFalse(request(ex, link, true, () -> text("Q4")));
        assertFalse(ex.idle());
        assertEquals(3, ex.pendingWeight());
        assertEquals(List.of("Q1"), link.written(), "nothing may overtake S2");
        assertEquals(1, workers.queued(), "one drain for the whole queue");
        workers.runAll();
        assertEquals(List.of("Q1", "S2", "Q3", "Q4"), link.written());
        assertTrue(ex.idle());
        assertEquals(0, ex.pendingWeight());
        assertTrue(request(ex, link, true, () -> text("Q5")), "idle again: inline");
        assertEquals(List.of("Q1", "S2", "Q3", "Q4", "Q5"), link.written());
        assertEquals(0, workers.queued());
    }

    @Test
    void interleavedQuickAndSlowRequestsKeepTheirOrderOnARealPool() throws Exception {
        LinkExecutor ex = executor(pool, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        int n = 3000;
        int inline = 0;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = Integer.toString(i);
            expected.add(id);
            boolean slow = i % 5 == 2;
            Callable<ByteBuffer> body = slow ? () -> {
                Thread.yield(); // gives the I/O thread time to queue quick ones behind it
                return text(id);
            } : () -> text(id);
            if (request(ex, link, !slow, body)) {
                inline++;
            }
        }
        assertEquals(expected, link.awaitWritten(n));
        assertTrue(inline >= 1, "the first request finds the queue idle");
        assertTrue(inline < n, "slow ones never go inline");
    }

    @Test
    void aQuickBodyDeclinesByReturningNullOrThrowingAndNoReplyMeansAnsweredWithNothing() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        assertFalse(ex.tryInline(link, () -> null));
        assertFalse(ex.tryInline(link, () -> {
            throw new StackOverflowError();
        }));
        assertTrue(ex.idle(), "declining queues nothing");
        assertTrue(ex.tryInline(link, () -> LinkExecutor.NO_REPLY));
        assertTrue(ex.submit(link, 1, () -> LinkExecutor.NO_REPLY));
        assertTrue(ex.submit(link, 1, () -> null));
        assertTrue(ex.submit(link, 1, () -> ByteBuffer.allocate(0)));
        workers.runAll();
        assertEquals(List.of(), link.written(), "an empty reply is never written");
        assertTrue(ex.idle());
    }

    @Test
    void theFastPathIsClosedWhileMuchWaitsForThePeerOrWhenTurnedOff() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, SMALL, null);
        MemoryLink link = new MemoryLink("a");
        link.setPending(99);
        assertTrue(ex.tryInline(link, () -> text("1")));
        link.setPending(100);
        assertFalse(ex.tryInline(link, () -> text("2")), "100 bytes wait for the peer: not inline");
        LinkExecutor off = executor(workers, SMALL.withoutInline(), null);
        link.setPending(0);
        assertFalse(off.tryInline(link, () -> text("3")));
        assertEquals(List.of("1"), link.written());
    }

    @Test
    void aBlockedTaskOnOneLinkNeverStallsAnother() throws Exception {
        LinkExecutor exA = executor(pool, LinkExecutor.Limits.DEFAULT, null);
        LinkExecutor exB = executor(pool, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink a = new MemoryLink("a");
        MemoryLink b = new MemoryLink("b");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        exA.submit(a, 1, () -> {
            started.countDown();
            assertTrue(release.await(GUARD, TimeUnit.MILLISECONDS));
            return text("A1");
        });
        exA.submit(a, 1, () -> text("A2"));
        assertTrue(started.await(GUARD, TimeUnit.MILLISECONDS));
        exB.submit(b, 1, () -> text("B1"));
        assertEquals(List.of("B1"), b.awaitWritten(1), "b is answered while a's task blocks");
        assertTrue(exB.tryInline(b, () -> text("B2")), "and b's queue is idle again");
        assertEquals(List.of(), a.written());
        release.countDown();
        assertEquals(List.of("A1", "A2"), a.awaitWritten(2));
    }

    @Test
    void aTaskThatThrowsIsAnsweredWithTheFailureReplyAndTheQueueGoesOn() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, LinkExecutor.Limits.DEFAULT,
                e -> text("E:" + e.getClass().getSimpleName()));
        MemoryLink link = new MemoryLink("a");
        submitFailures(ex, link);
        workers.runAll();
        assertEquals(List.of("ok1", "E:IllegalStateException", "E:OutOfMemoryError", "E:StackOverflowError",
                "E:IOException", "E:AssertionError", "ok2"), link.written());
        assertTrue(ex.idle());
        assertEquals(0, ex.pendingWeight());
    }

    @Test
    void withoutAFailureReplyAFailedTaskIsAnsweredWithNothing() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        submitFailures(ex, link);
        workers.runAll();
        assertEquals(List.of("ok1", "ok2"), link.written());
        assertTrue(ex.idle());

        LinkExecutor broken = executor(workers, LinkExecutor.Limits.DEFAULT, e -> {
            throw new OutOfMemoryError("again");
        });
        MemoryLink other = new MemoryLink("b");
        submitFailures(broken, other);
        workers.runAll();
        assertEquals(List.of("ok1", "ok2"), other.written(), "a failure reply that throws sends nothing");
        assertTrue(broken.idle());
    }

    private static void submitFailures(LinkExecutor ex, Link link) {
        ex.submit(link, 1, () -> text("ok1"));
        ex.submit(link, 1, () -> {
            throw new IllegalStateException("bug");
        });
        ex.submit(link, 1, () -> {
            throw new OutOfMemoryError("Java heap space (test)");
        });
        ex.submit(link, 1, () -> {
            throw new StackOverflowError();
        });
        ex.submit(link, 1, () -> {
            throw new IOException("checked");
        });
        ex.submit(link, 1, () -> {
            throw new AssertionError("any error");
        });
        ex.submit(link, 1, () -> text("ok2"));
    }

    /**
     * Hyper-V's property: once a worker's reply is visible to the peer, the queue is idle, so the
     * peer's next request takes the fast path. The link holds the worker inside its write until the
     * I/O thread has asked (at most 200 ms): an executor that counted the task finished only after
     * the write would answer "not idle" here, every time.
     */
    @Test
    void theQueueIsIdleTheMomentAWorkersReplyIsVisible() throws Exception {
        LinkExecutor ex = executor(pool, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        CountDownLatch visible = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        link.onWrite(s -> {
            if (s.equals("S1")) {
                visible.countDown();
                try {
                    asked.await(200, TimeUnit.MILLISECONDS); // a correct executor makes this time out
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ex.submit(link, 1, () -> text("S1"));
        assertTrue(visible.await(GUARD, TimeUnit.MILLISECONDS));
        boolean inline = ex.tryInline(link, () -> text("Q2"));
        asked.countDown();
        assertTrue(inline, "the reply was out: the next request must find the queue idle");
        assertEquals(List.of("S1", "Q2"), link.written());
    }

    @Test
    void everyRequestAfterAWorkersReplyTakesTheFastPath() throws Exception {
        LinkExecutor ex = executor(pool, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String slow = "S" + i;
            String quick = "Q" + i;
            ex.submit(link, 1, () -> text(slow));
            expected.add(slow);
            link.awaitWritten(expected.size()); // the host reads the reply, then sends its next request
            assertTrue(ex.tryInline(link, () -> text(quick)), "round " + i);
            expected.add(quick);
        }
        assertEquals(expected, link.written());
    }

    @Test
    void aPoolThatRefusesWorkDropsTheQueueAndLeavesNoStuckFlag() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        workers.reject();
        assertFalse(ex.submit(link, 10, () -> text("lost")));
        assertTrue(ex.idle());
        assertEquals(0, ex.pendingWeight());
        workers.fail(new OutOfMemoryError("unable to create native thread (test)"));
        assertFalse(ex.submit(link, 10, () -> text("lost too")));
        assertTrue(ex.idle());
        workers.accept();
        assertTrue(ex.submit(link, 10, () -> text("1")), "the next submit tries the pool again");
        assertEquals(1, workers.queued());
        workers.runAll();
        assertEquals(List.of("1"), link.written());
        assertTrue(ex.tryInline(link, () -> text("2")));
    }

    @Test
    void aSameThreadExecutorRunsEachTaskAsItIsSubmitted() throws Exception {
        LinkExecutor ex = executor(Runnable::run, LinkExecutor.Limits.DEFAULT.withoutInline(), null);
        MemoryLink link = new MemoryLink("a");
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        ex.submit(link, 1, () -> {
            ranOn.set(Thread.currentThread());
            return text("1");
        });
        assertEquals(List.of("1"), link.written());
        ex.submit(link, 1, () -> text("2"));
        assertEquals(List.of("1", "2"), link.written());
        assertSame(io, ranOn.get());
        assertTrue(ex.idle());
    }

    @Test
    void repliesForALinkThatWentAwayAreDroppedAfterTheirTaskRan() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        AtomicLong ran = new AtomicLong();
        ex.submit(link, 1, () -> {
            ran.incrementAndGet();
            return text("1");
        });
        link.close();
        workers.runAll();
        assertEquals(1, ran.get(), "a received request is still executed");
        assertEquals(List.of(), link.written());
    }

    @Test
    void tasksRunOffTheIoThread() throws Exception {
        LinkExecutor ex = executor(pool, LinkExecutor.Limits.DEFAULT, null);
        MemoryLink link = new MemoryLink("a");
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        ex.submit(link, 1, () -> {
            ranOn.set(Thread.currentThread());
            return text("1");
        });
        link.awaitWritten(1);
        assertNotSame(io, ranOn.get());
    }

    @Test
    void failureLinesAreRateLimitedToOneAMinute() {
        AtomicLong now = new AtomicLong(5);
        FailureLog f = new FailureLog(now::get);
        assertTrue(f.allow(), "the first failure is logged at warn");
        assertFalse(f.allow());
        now.addAndGet(FailureLog.INTERVAL_NANOS - 1);
        assertFalse(f.allow());
        now.addAndGet(1);
        assertTrue(f.allow(), "a minute later, warn again");
        assertFalse(f.allow());
    }

    @Test
    void limitsAreTodaysNumbersAndNeverNegative() {
        LinkExecutor.Limits d = LinkExecutor.Limits.DEFAULT;
        assertEquals(96L << 20, d.maxPendingWeight());
        assertEquals(1L << 20, d.inlineBelowBytes());
        assertEquals(4L << 20, d.holdBackAboveBytes());
        assertEquals(TimeUnit.SECONDS.toNanos(30), d.maxHoldBackNanos());
        assertTrue(d.holdBackAboveBytes() < OutboundQueue.DEFAULT_LIMIT, "held back well before the link drops");
        assertEquals(0, d.withoutInline().inlineBelowBytes());
        assertEquals(7, d.withMaxPendingWeight(7).maxPendingWeight());
        assertThrows(IllegalArgumentException.class, () -> new LinkExecutor.Limits(-1, 0, 0, 0));
    }

    static void awaitIdle(LinkExecutor ex) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GUARD;
        while (!ex.idle()) {
            assertTrue(System.currentTimeMillis() < deadline, "hang guard");
            Thread.sleep(1);
        }
    }
}
