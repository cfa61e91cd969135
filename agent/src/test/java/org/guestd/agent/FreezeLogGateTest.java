// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FreezeLogGateTest {
    @Test
    void holdsEveryEventWhileFrozenAndWritesThemInOrderAfterTheThaw() {
        Rig rig = Rig.start();
        ListAppender<ILoggingEvent> out = rig.out();
        FreezeLogGate gate = rig.gate();
        Logger log = rig.log();
        log.setLevel(Level.INFO);

        log.info("before");
        gate.beforeFreeze();
        log.info("while frozen {}", 1);
        log.warn("while frozen {}", 2);
        assertEquals(List.of("before"), messages(out), "nothing reaches the output while frozen");
        assertEquals(2, gate.heldCount());
        gate.afterThaw();
        log.info("after");
        assertEquals(List.of("before", "while frozen 1", "while frozen 2", "after"), messages(out));
        assertTrue(!gate.holding());
    }

    @Test
    void boundedWhileFrozen() {
        Rig rig = Rig.start();
        ListAppender<ILoggingEvent> out = rig.out();
        FreezeLogGate gate = rig.gate();
        Logger log = rig.log();
        gate.beforeFreeze();
        for (int i = 0; i < FreezeLogGate.MAX_HELD + 5; i++) {
            log.info("line {}", i);
        }
        assertEquals(FreezeLogGate.MAX_HELD, gate.heldCount());
        gate.afterThaw();
        assertEquals("line 5", out.list.get(0).getFormattedMessage(), "the oldest are dropped");
        assertEquals(FreezeLogGate.MAX_HELD, out.list.size());
    }

    /** A gate in front of a list appender, fed by logger {@code t} of a fresh logback context. */
    private record Rig(ListAppender<ILoggingEvent> out, FreezeLogGate gate, Logger log) {
        static Rig start() {
            LoggerContext ctx = new LoggerContext();
            ListAppender<ILoggingEvent> out = new ListAppender<>();
            out.setContext(ctx);
            out.start();
            FreezeLogGate gate = new FreezeLogGate(out);
            gate.setContext(ctx);
            gate.start();
            Logger log = ctx.getLogger("t");
            log.addAppender(gate);
            return new Rig(out, gate, log);
        }
    }

    private static List<String> messages(ListAppender<ILoggingEvent> a) {
        return a.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }
}
