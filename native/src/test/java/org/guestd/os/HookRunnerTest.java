// SPDX-License-Identifier: Apache-2.0
package org.guestd.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandTimeoutException;
import org.guestd.core.env.ProcessCommandRunner;
import org.guestd.core.testing.FakeCommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The shared hook runner's contract: which files are hooks, qemu-ga's access check, one run, a list. */
@Timeout(60)
class HookRunnerTest {
    @TempDir
    Path tmp;

    private final FakeCommandRunner fake = new FakeCommandRunner();
    private final HookRunner hooks = new HookRunner(fake, Duration.ofSeconds(7), LoggerFactory.getLogger("test"));

    private Path executable(Path p) throws IOException {
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        assertTrue(p.toFile().setExecutable(true));
        return p;
    }

    @Test
    void aHookDirectoryIsItsExecutableRegularFilesInNameOrder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("hooks"));
        executable(dir.resolve("20-b"));
        executable(dir.resolve("10-a"));
        executable(dir.resolve("100-c")); // name order, not numeric
        for (String leftover : List.of(".hidden", "10-a~", "10-a.dpkg-old", "10-a.dpkg-dist", "10-a.rpmnew",
                "10-a.rpmsave", "10-a.disabled")) {
            executable(dir.resolve(leftover));
        }
        Files.writeString(dir.resolve("30-not-executable"), "#!/bin/sh\n");
        Files.createDirectories(dir.resolve("40-dir"));
        assertEquals(List.of(dir.resolve("10-a"), dir.resolve("100-c"), dir.resolve("20-b")), hooks.list(dir));
        assertEquals(List.of(), hooks.list(tmp.resolve("missing")));
        assertEquals(List.of(), hooks.list(null));
    }

    @Test
    void accessCheckGivesTheOsTextOfTheRealErrno() throws Exception {
        Path ok = executable(tmp.resolve("hook"));
        assertEquals(Optional.empty(), HookRunner.accessError(ok));
        assertEquals(Optional.of("No such file or directory"), HookRunner.accessError(tmp.resolve("missing")));
        Path plain = tmp.resolve("plain");
        Files.writeString(plain, "#!/bin/sh\n");
        assertEquals(Optional.of("Permission denied"), HookRunner.accessError(plain)); // root too: no x bit at all
        assertEquals(Optional.of("Not a directory"), HookRunner.accessError(plain.resolve("below")));
    }

    @Test
    void oneRunIsHookArgWithTheTimeoutAndItsStatus() throws Exception {
        Path h = tmp.resolve("50-h");
        fake.answer(h.toString(), 3, "");
        HookRunner.Outcome o = hooks.run(h, "thaw");
        assertEquals(3, o.exitCode());
        assertFalse(o.ok());
        assertEquals(List.of(List.of(h.toString(), "thaw")), fake.calls());
        assertEquals(List.of(Duration.ofSeconds(7)), fake.timeouts());
    }

    @Test
    void aTimeoutAndAFailedStartAreErrorsInGuestdsWords() {
        Path slow = tmp.resolve("slow");
        fake.fail(slow.toString(), new CommandTimeoutException(slow + " timed out after 7000 ms"));
        AgentException e = assertThrows(AgentException.class, () -> hooks.run(slow, "freeze"));
        assertEquals("hook " + slow + " freeze timed out after 7000 ms and was killed", e.getMessage());
        Path broken = tmp.resolve("broken");
        fake.fail(broken.toString(), AgentException.generic("failed to execute " + broken + ": x",
                new IOException("Cannot run program \"" + broken + "\": error=8, Exec format error")));
        e = assertThrows(AgentException.class, () -> hooks.run(broken, "freeze"));
        assertEquals("cannot run hook " + broken + " freeze: Cannot run program \"" + broken
                + "\": error=8, Exec format error", e.getMessage());
    }

    @Test
    void runAllRunsEveryHookInOrderThroughFailuresAndSummarises() {
        Path a = tmp.resolve("10-a");
        Path b = tmp.resolve("20-b");
        Path c = tmp.resolve("30-c");
        fake.answer(a.toString(), 0, "");
        fake.answer(b.toString(), 1, ""); // c: unknown to the fake, fails to start
        assertEquals("1 ok, 2 failed", hooks.runAll(List.of(a, b, c), "reboot"));
        assertEquals(List.of(List.of(a.toString(), "reboot"), List.of(b.toString(), "reboot"),
                List.of(c.toString(), "reboot")), fake.calls());
        assertEquals("none", hooks.runAll(List.of(), "reboot"));
        assertTrue(hooks.runLogged(a, "x"));
        assertFalse(hooks.runLogged(b, "x"));
        assertFalse(hooks.runLogged(c, "x"));
    }

    @Test
    void aRealHookGetsItsArgumentAndStdinOnDevNull() throws Exception {
        Path out = tmp.resolve("out");
        Path h = tmp.resolve("hook");
        Files.writeString(h, "#!/bin/sh\ncat > /dev/null\necho \"$1\" > " + out + "\necho oops >&2\nexit 4\n");
        assertTrue(h.toFile().setExecutable(true));
        HookRunner real = new HookRunner(new ProcessCommandRunner(), Duration.ofSeconds(30),
                LoggerFactory.getLogger("test"));
        HookRunner.Outcome o = real.run(h, "freezefail"); // cat returns at once: stdin is /dev/null
        assertEquals(new HookRunner.Outcome(4, "oops"), o);
        assertEquals("freezefail\n", Files.readString(out));
    }
}
