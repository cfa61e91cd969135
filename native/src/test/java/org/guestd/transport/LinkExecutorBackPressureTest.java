// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.guestd.transport.LinkExecutorTest.GUARD;
import static org.guestd.transport.LinkExecutorTest.SMALL;
import static org.guestd.transport.LinkExecutorTest.awaitIdle;
import static org.guestd.transport.LinkExecutorTest.executor;
import static org.guestd.transport.LinkExecutorTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LinkExecutor}'s budgets, split from {@link LinkExecutorTest} (same helpers): input
 * back-pressure (reading paused above the pending weight, resumed below it), replies held back
 * while the peer does not read, and the weight cap that closes a link.
 */
@Timeout(60) // hang guard only
class LinkExecutorBackPressureTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void readingPausesAboveThePendingWeightAndResumesOnceWorkersBringItDown() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, SMALL.withReadPause(300, 100), null);
        MemoryLink link = new MemoryLink("a");
        List<Boolean> readingWhenRun = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "R" + i;
            ex.submit(link, 100, () -> {
                readingWhenRun.add(link.isReading());
                return text(id);
            });
        }
        assertTrue(link.isReading(), "300 pending is not above 300");
        assertFalse(ex.holdsReading());
        ex.submit(link, 100, () -> {
            readingWhenRun.add(link.isReading());
            return text("R3");
        });
        assertFalse(link.isReading(), "400 pending: paused");
        assertTrue(ex.holdsReading());
        ex.submit(link, 100, () -> {
            readingWhenRun.add(link.isReading());
            return text("R4");
        });
        assertEquals(1, link.pauses.get(), "paused once, not once per request");

        workers.runAll();
        // finishing R0..R3 brings 500 down to 400, 300, 200, 100: resumed after R3, R4 runs reading
        assertEquals(List.of(false, false, false, false, true), readingWhenRun);
        assertEquals(List.of("R0", "R1", "R2", "R3", "R4"), link.written());
        assertTrue(link.isReading());
        assertFalse(ex.holdsReading());
        assertEquals(1, link.resumes.get());
    }

    @Test
    void aPoolThatRefusesWorkResumesReadingWithTheQueueDropped() {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, SMALL.withReadPause(150, 50), null);
        MemoryLink link = new MemoryLink("a");
        ex.submit(link, 100, () -> text("A"));
        ex.submit(link, 100, () -> text("B")); // 200 > 150: paused; the drain is already scheduled
        assertFalse(link.isReading());
        ManualExecutor dead = new ManualExecutor();
        dead.reject();
        LinkExecutor other = executor(dead, SMALL.withReadPause(150, 50), null);
        MemoryLink second = new MemoryLink("b");
        assertFalse(other.submit(second, 200, () -> text("C")), "refused");
        assertTrue(second.isReading(), "paused for a request the pool refused: resumed with it dropped");
        assertEquals(1, second.pauses.get());
        assertEquals(1, second.resumes.get());
        workers.runAll();
        assertTrue(link.isReading());
    }

    @Test
    void theReadPauseLimitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> SMALL.withReadPause(100, 200));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withReadPause(-1, 0));
        assertEquals(LinkExecutor.Limits.DEFAULT_PAUSE_ABOVE, LinkExecutor.Limits.DEFAULT.pauseAboveWeight());
        assertEquals(LinkExecutor.Limits.DEFAULT_RESUME_BELOW, LinkExecutor.Limits.DEFAULT.resumeBelowWeight());
    }

    @Test
    void aPeerThatDoesNotReadHoldsRepliesBackAndLosesNone() throws Exception {
        // the link drops writes beyond 2000 queued bytes; replies are 400 bytes; the worker holds back above 1000
        LinkExecutor ex = executor(pool, SMALL.withMaxPendingWeight(Long.MAX_VALUE), null);
        MemoryLink link = new MemoryLink("a", 2000);
        int n = 20;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String reply = String.format("%03d", i).repeat(133) + "\n"; // 400 bytes
            expected.add(reply);
            assertTrue(ex.submit(link, 1, () -> text(reply)));
        }
        // the worker writes until more than 1000 bytes wait, then holds back until the peer reads
        while (true) {
            link.awaitPendingAboveOrWritten(1000, n);
            assertEquals(List.of(), link.dropped(), "no reply may be lost at the link's cap");
            if (link.written().size() == n) {
                break;
            }
            link.read();
        }
        assertEquals(expected, link.awaitWritten(n));
        assertEquals(List.of(), link.dropped(), "no reply was lost at the link's cap");
    }

    @Test
    void aWorkerHoldsItsReplyBackUntilThePeerReads() throws Exception {
        LinkExecutor ex = executor(pool, SMALL, null);
        MemoryLink link = new MemoryLink("a");
        link.setPending(5000);
        ex.submit(link, 1, () -> text("1"));
        ex.submit(link, 1, () -> text("2"));
        int asked = link.pendingAsked.get();
        long deadline = System.currentTimeMillis() + GUARD;
        while (link.pendingAsked.get() < asked + 5) { // the worker is polling: it holds the reply back
            assertTrue(System.currentTimeMillis() < deadline, "the worker never asked how much waits: "
                    + link.written());
            Thread.onSpinWait();
        }
        assertEquals(List.of(), link.written());
        assertFalse(ex.idle());
        link.setPending(0);
        assertEquals(List.of("1", "2"), link.awaitWritten(2));
    }

    @Test
    void holdingBackEndsAtItsDeadlineOrWhenTheLinkCloses() throws Exception {
        LinkExecutor quick = executor(pool, new LinkExecutor.Limits(1000, 100, 1000, 1_000_000L), null);
        MemoryLink full = new MemoryLink("full");
        full.setPending(5000); // never read
        quick.submit(full, 1, () -> text("late"));
        assertEquals(List.of("late"), full.awaitWritten(1), "after 1 ms the link's own cap decides");

        LinkExecutor ex = executor(pool, SMALL, null);
        MemoryLink closing = new MemoryLink("closing");
        closing.setPending(5000);
        CountDownLatch ran = new CountDownLatch(1);
        ex.submit(closing, 1, () -> {
            ran.countDown();
            return text("dropped");
        });
        assertTrue(ran.await(GUARD, TimeUnit.MILLISECONDS));
        closing.close(); // the worker stops waiting (well before 30 s) and drops the reply
        awaitIdle(ex);
        assertEquals(List.of(), closing.written());
    }

    @Test
    void aLinkOverItsWeightBudgetIsClosedOnce() throws Exception {
        ManualExecutor workers = new ManualExecutor();
        LinkExecutor ex = executor(workers, SMALL, null);
        MemoryLink link = new MemoryLink("a");
        assertTrue(ex.submit(link, 400, () -> text("1")));
        assertTrue(ex.submit(link, 400, () -> text("2")));
        assertEquals(800, ex.pendingWeight());
        assertFalse(ex.submit(link, 400, () -> text("3")), "1200 > 1000");
        assertFalse(link.isOpen());
        assertEquals(1, link.closes.get());
        assertFalse(ex.submit(link, 1, () -> text("4")), "later requests of that link are dropped");
        assertEquals(1, link.closes.get(), "closed once, logged once");
        assertFalse(ex.tryInline(link, () -> text("5")));
        AtomicBoolean ended = new AtomicBoolean();
        assertTrue(ex.submit(link, 0, () -> {
            ended.set(true);
            return null;
        }), "bookkeeping (weight 0) still runs");
        MemoryLink next = new MemoryLink("b"); // a device reopened: the next link of the same queue
        assertTrue(ex.submit(next, 100, () -> text("b1")));
        assertEquals(900, ex.pendingWeight());
        workers.runAll();
        assertEquals(List.of(), link.written(), "replies of the closed link are dropped");
        assertTrue(ended.get());
        assertEquals(List.of("b1"), next.written());
        assertEquals(0, ex.pendingWeight());
        assertEquals(0, next.closes.get());
        assertThrows(IllegalArgumentException.class, () -> ex.submit(next, -1, () -> null));
    }
}
