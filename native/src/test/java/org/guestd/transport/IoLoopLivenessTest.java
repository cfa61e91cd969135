// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probe behind the systemd watchdog: a loop that is busy forever does not answer. */
class IoLoopLivenessTest {
    @Test
    void aWedgedLoopDoesNotAnswerAndAClosedOneNeither() throws Exception {
        try (IoLoop loop = IoLoop.create()) {
            assertTrue(loop.answersWithin(5_000));
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch wedged = new CountDownLatch(1);
            loop.eventLoop().execute(() -> {
                wedged.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(wedged.await(5, TimeUnit.SECONDS));
            assertFalse(loop.answersWithin(200));
            release.countDown();
            assertTrue(loop.answersWithin(5_000));
            loop.close();
            assertFalse(loop.answersWithin(200));
        }
    }
}
