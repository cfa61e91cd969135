// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** {@link HostWarnings} with a fake clock and a logger that records lines. */
class HostWarningsTest {
    /** Records "LEVEL message" lines. */
    static final class RecordingLogger extends AbstractLogger {
        final List<String> lines = new ArrayList<>();

        RecordingLogger() {
            this.name = "test";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
        }

        @Override public boolean isTraceEnabled() { return true; }
        @Override public boolean isTraceEnabled(Marker m) { return true; }
        @Override public boolean isDebugEnabled() { return true; }
        @Override public boolean isDebugEnabled(Marker m) { return true; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isInfoEnabled(Marker m) { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isWarnEnabled(Marker m) { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public boolean isErrorEnabled(Marker m) { return true; }

        long count(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    private final RecordingLogger log = new RecordingLogger();
    private final AtomicLong now = new AtomicLong(5_000_000_000_000L);
    private final HostWarnings w = new HostWarnings(log, now::get);

    @Test
    void oneWarnLinePerCauseAMinuteTheRestCountedAtDebug() {
        assertTrue(w.warn("bad-size", "kvp: {}-byte message", 100));
        for (int i = 0; i < 999; i++) {
            now.addAndGet(10_000_000L); // 10 ms apart: 10 s in all
            assertFalse(w.warn("bad-size", "kvp: {}-byte message", 100 + i));
        }
        assertEquals(1, log.count("WARN"));
        assertEquals("WARN kvp: 100-byte message (more like this within a minute: debug, counted)", log.lines.get(0));
        assertEquals(999, log.count("DEBUG"));
        assertEquals(999, w.suppressed("bad-size"));
        now.addAndGet(HostWarnings.INTERVAL_NANOS);
        assertTrue(w.warn("bad-size", "kvp: {}-byte message", 7));
        assertEquals("WARN kvp: 7-byte message (999 more like this in the last minute or more at debug)",
                log.lines.get(log.lines.size() - 1));
        assertEquals(0, w.suppressed("bad-size"));
    }

    @Test
    void causesAreLimitedSeparately() {
        assertTrue(w.warn("a", "first a"));
        assertTrue(w.warn("b", "first b"));
        assertFalse(w.warn("a", "second a"));
        assertEquals(2, log.count("WARN"));
    }

    @Test
    void theTableOfCausesStaysBounded() {
        for (int i = 0; i < HostWarnings.MAX_CAUSES + 100; i++) {
            w.warn("cause-" + i, "x");
        }
        assertEquals(HostWarnings.MAX_CAUSES + 1, log.count("WARN"), "the causes past the table share one");
    }
}
