// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class JournalLayoutTest {
    private final LoggerContext ctx = new LoggerContext();
    private final Logger logger = ctx.getLogger("org.guestd.transport");

    private String layout(Level level, String msg, Throwable t) {
        JournalLayout l = new JournalLayout();
        l.setContext(ctx);
        l.start();
        return l.doLayout(new LoggingEvent("fqcn", logger, level, msg, t, new Object[] {"x"}));
    }

    @Test
    void sdDaemonPriorityPrefixShortLoggerNameNoTimestamp() {
        assertEquals("<3>transport: device x failed\n", layout(Level.ERROR, "device {} failed", null));
        assertEquals("<4>transport: w\n", layout(Level.WARN, "w", null));
        assertEquals("<6>transport: i\n", layout(Level.INFO, "i", null));
        assertEquals("<7>transport: d\n", layout(Level.DEBUG, "d", null));
        assertEquals("<7>transport: t\n", layout(Level.TRACE, "t", null));
    }

    @Test
    void stackTraceLinesKeepThePriority() {
        String s = layout(Level.ERROR, "boom", new IllegalStateException("bad"));
        assertTrue(s.startsWith("<3>transport: boom: java.lang.IllegalStateException: bad\n<3>  "), s);
        for (String line : s.split("\n")) {
            assertTrue(line.startsWith("<3>"), line);
        }
    }
}
