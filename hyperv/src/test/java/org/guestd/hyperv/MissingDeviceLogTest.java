// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.guestd.transport.IoLoop;
import org.guestd.transport.Link;
import org.guestd.transport.MessageFdTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 16 (logs that help): a device that is missing and retried with backoff (qemu-ga's
 * {@code -r}) is one warn line, not one per retry; the retries are at debug. Here (the hyperv module
 * has logback for its tests) rather than in native, whose tests have no logging backend.
 */
class MissingDeviceLogTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingDeviceRetriedWithBackoffIsOneLine() throws Exception {
        Logger transport = (Logger) LoggerFactory.getLogger("org.guestd.transport");
        Level before = transport.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        transport.addAppender(logged);
        transport.setLevel(Level.DEBUG);
        IoLoop loop = IoLoop.create();
        MessageFdTransport t = new MessageFdTransport(tmp.resolve("hv_kvp").toString(), loop,
                MessageFdTransport.DEFAULT_MAX_MESSAGE, true);
        try {
            t.start(new Link.Handler() {
                @Override
                public void connected(Link link) {}

                @Override
                public void received(Link link, ByteBuffer data) {}

                @Override
                public void disconnected(Link link) {}
            });
            long deadline = System.nanoTime() + 30_000_000_000L; // hang guard: 100+200+400 ms of backoff
            while (retries(logged) < 3) {
                assertTrue(System.nanoTime() < deadline, "no retries logged at debug: " + logged.list);
                Thread.sleep(20);
            }
        } finally {
            t.close();
            loop.close();
            transport.detachAppender(logged);
            transport.setLevel(before);
        }
        long warns = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
        assertEquals(1, warns, logged.list.toString());
    }

    private static long retries(ListAppender<ILoggingEvent> logged) {
        synchronized (logged) { // AppenderBase.doAppend holds this lock
            return logged.list.stream().filter(e -> e.getFormattedMessage().contains("reopen attempt")).count();
        }
    }
}
