// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
    private final TestTime time = new TestTime();
    private final RecordingLog log = new RecordingLog();
    private final Retry retry = new Retry(time, time, log);
    private final Retry.Policy policy = new Retry.Policy(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(20));

    @Test
    void backsOffExponentiallyUpToTheCapAndLogsTheBurstOnce() throws Exception {
        AtomicInteger n = new AtomicInteger();
        String r = retry.run("thing", policy, remaining -> {
            if (n.incrementAndGet() < 7) {
                throw new IOException("HTTP 500");
            }
            return "ok";
        });
        assertEquals("ok", r);
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(4), Duration.ofSeconds(4)), time.sleeps);
        assertEquals(1, log.warn.size(), "one warning for the whole burst: " + log.warn);
        assertTrue(log.warn.get(0).contains("thing: HTTP 500; retrying for up to 20 s"), log.warn.get(0));
        assertEquals(5, log.debug.size());
        assertEquals(List.of("thing: succeeded at attempt 7 after 15500 ms"), log.info);
    }

    @Test
    void givesUpAtTheTotalLimitWithTheLastReason() {
        AtomicInteger n = new AtomicInteger();
        Retry.GaveUp g = assertThrows(Retry.GaveUp.class, () -> retry.run("thing", policy, remaining -> {
            throw new IOException("attempt " + n.incrementAndGet());
        }));
        long slept = time.sleeps.stream().mapToLong(Duration::toMillis).sum();
        assertTrue(slept < 20_000, "never sleeps past the limit: " + slept);
        assertEquals(n.get(), g.attempts());
        assertTrue(g.getMessage().contains("attempt " + n.get()), g.getMessage());
        assertEquals(2, log.warn.size(), "first failure and the outcome: " + log.warn);
        assertTrue(log.warn.get(1).contains("gave up after " + n.get() + " attempt(s)"), log.warn.get(1));
    }

    @Test
    void aFatalFailureIsNotRetried() {
        AtomicInteger n = new AtomicInteger();
        assertThrows(Retry.GaveUp.class, () -> retry.run("thing", policy, remaining -> {
            n.incrementAndGet();
            throw new Retry.Fatal("HTTP 400");
        }));
        assertEquals(1, n.get());
        assertTrue(time.sleeps.isEmpty());
    }

    @Test
    void eachAttemptIsToldTheTimeLeft() throws Exception {
        AtomicInteger n = new AtomicInteger();
        List<Duration> seen = new ArrayList<>();
        retry.run("thing", policy, remaining -> {
            seen.add(remaining);
            if (n.incrementAndGet() < 3) {
                throw new IOException("x");
            }
            return null;
        });
        assertEquals(List.of(Duration.ofSeconds(20), Duration.ofMillis(19_500), Duration.ofMillis(18_500)), seen);
    }
}
