// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.core.testing.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFileTest {
    @TempDir
    Path dir;

    final AtomicInteger version = new AtomicInteger();
    final List<Boolean> taken = new ArrayList<>();

    /** A status whose pid field counts the snapshots, so each write is told apart. */
    AgentStatus take(boolean running) {
        taken.add(running);
        return new AgentStatus(new AgentStatus.Agent("guestd", "0.1.0", version.incrementAndGet(), running, 0, 0, null,
                dir.toString()), List.of(), AgentStatus.Freeze.THAWED, null, null, null);
    }

    long pidInFile() throws Exception {
        return StatusJson.read(Files.readString(dir.resolve("status.json"))).agent().pid();
    }

    @Test
    void writtenAtStartWorldReadableWhateverTheFilesMode() throws Exception {
        // a stale file left 0600 (the unit's UMask=0077) is replaced by a 0644 one
        Files.writeString(dir.resolve("status.json"), "old");
        Files.setPosixFilePermissions(dir.resolve("status.json"), PosixFilePermissions.fromString("rw-------"));
        StatusFile f = new StatusFile(dir, this::take);
        TestContext ctx = new TestContext("status").recordPeriodic();
        f.start(ctx);
        assertEquals(1, pidInFile());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.file())));
        assertFalse(Files.exists(dir.resolve(".status.json.tmp")), "no temporary file left behind");
        assertEquals(1, ctx.periodic.size());
        assertEquals(StatusFile.REFRESH, ctx.periodic.get(0).period);
        ctx.periodic.get(0).run(); // the 30 s refresh
        assertEquals(2, pidInFile());
    }

    @Test
    void changesAreDebouncedIntoOneWrite() throws Exception {
        StatusFile f = new StatusFile(dir, this::take);
        TestContext ctx = new TestContext("status").recordPeriodic();
        f.changed(); // before start: nothing to do, nothing scheduled
        f.start(ctx);
        f.changed();
        f.changed();
        f.changed();
        assertEquals(2, ctx.periodic.size(), "one debounce task for three changes: " + ctx.periodic.size());
        TestContext.Periodic debounce = ctx.periodic.get(1);
        assertEquals(StatusFile.DEBOUNCE, debounce.period);
        assertEquals(1, f.writes(), "nothing written before the debounce ends");
        debounce.run();
        assertEquals(2, f.writes());
        assertTrue(debounce.cancelled, "the debounce runs once");
        f.changed(); // a later change schedules a new one
        assertEquals(3, ctx.periodic.size());
    }

    @Test
    void nothingIsWrittenWhileFrozen() throws Exception {
        StatusFile f = new StatusFile(dir, this::take);
        TestContext ctx = new TestContext("status").recordPeriodic();
        f.start(ctx);
        f.beforeFreeze();
        assertEquals(2, f.writes(), "the frozen state is written right before the freeze");
        long atFreeze = pidInFile();
        f.changed();
        ctx.periodic.get(0).run(); // refresh due
        ctx.periodic.get(ctx.periodic.size() - 1).run(); // the debounce, if one was scheduled
        f.stop(); // even a stop while frozen writes nothing
        assertEquals(2, f.writes());
        assertEquals(atFreeze, pidInFile());
        assertEquals(List.of(true, true), taken, "not even a snapshot was taken while frozen");
    }

    @Test
    void writtenRightAfterTheThaw() throws Exception {
        StatusFile f = new StatusFile(dir, this::take);
        TestContext ctx = new TestContext("status").recordPeriodic();
        f.start(ctx);
        f.beforeFreeze();
        f.afterThaw();
        assertEquals(3, f.writes());
        ctx.periodic.get(0).run();
        assertEquals(4, f.writes(), "refreshes resume after the thaw");
    }

    @Test
    void startedWhileAPreviousFreezeHoldsWritesNothingUntilTheThaw() throws Exception {
        StatusFile f = new StatusFile(dir, this::take);
        f.beforeFreeze(); // the freeze feature recovered its marker before this service started
        TestContext ctx = new TestContext("status").recordPeriodic();
        f.start(ctx);
        ctx.periodic.get(0).run();
        assertFalse(Files.exists(f.file()));
        f.afterThaw();
        assertEquals(1, pidInFile());
    }

    @Test
    void stopWritesThatTheAgentNoLongerRuns() throws Exception {
        StatusFile f = new StatusFile(dir, this::take);
        f.start(new TestContext("status").recordPeriodic());
        f.stop();
        assertFalse(StatusJson.read(Files.readString(f.file())).agent().running());
        f.changed(); // after stop: ignored
        assertEquals(2, f.writes());
    }

    @Test
    void aWriteThatFailsIsNotFatalAndLaterWritesWork() throws Exception {
        Path missing = dir.resolve("gone");
        StatusFile f = new StatusFile(missing, this::take);
        TestContext ctx = new TestContext("status").recordPeriodic();
        f.start(ctx); // the state dir does not exist: logged, not thrown
        assertEquals(0, f.writes());
        Files.createDirectory(missing);
        ctx.periodic.get(0).run();
        assertEquals(1, f.writes());
        assertTrue(Files.exists(missing.resolve("status.json")));
    }
}
