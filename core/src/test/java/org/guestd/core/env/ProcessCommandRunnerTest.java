// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.guestd.core.AgentException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real runner on {@code /bin/sh}: output, exit status, timeouts that kill descendants, no wait for leftovers. */
class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private long leftover = -1;

    @TempDir
    Path tmp;

    @AfterEach
    void killLeftover() {
        if (leftover > 0) {
            ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly); // a sleep this test started
        }
    }

    @Test
    void capturesOutputAndExitStatusAndFeedsStdin() throws Exception {
        CommandRunner.CommandResult r = runner.run(List.of("/bin/sh", "-c", "cat; echo err >&2; exit 3"),
                "in".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
        assertEquals(3, r.exitCode());
        assertEquals("in", r.stdoutText());
        assertEquals("err\n", r.stderrText());
    }

    @Test
    void aProgramThatCannotStartFailsWithTheCause() {
        AgentException e = assertThrows(AgentException.class,
                () -> runner.run(List.of(tmp.resolve("missing").toString()), null, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("failed to execute " + tmp.resolve("missing") + ": "), e.getMessage());
        assertTrue(e.getCause() instanceof IOException);
        assertFalse(e instanceof CommandTimeoutException);
    }

    @Test
    void aTimeoutKillsTheProgramAndItsDescendants() throws Exception {
        Path pidFile = tmp.resolve("pid");
        CommandTimeoutException e = assertThrows(CommandTimeoutException.class, () -> runner.run(
                List.of("/bin/sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait"), null, Duration.ofMillis(700)));
        assertEquals("/bin/sh timed out after 700 ms", e.getMessage());
        leftover = Long.parseLong(Files.readString(pidFile).trim());
        Optional<ProcessHandle> child = ProcessHandle.of(leftover);
        if (child.isPresent()) { // SIGKILL was sent; wait for it to land (hang guard only)
            child.get().onExit().get(10, TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false), "the hook's sleep was killed");
    }

    @Test
    void aBackgroundChildHoldingStdoutDoesNotHoldTheCaller() throws Exception {
        long start = System.nanoTime();
        CommandRunner.CommandResult r = runner.run(List.of("/bin/sh", "-c", "sleep 60 & echo $!"), null,
                Duration.ofSeconds(30));
        long ms = (System.nanoTime() - start) / 1_000_000;
        leftover = Long.parseLong(r.stdoutText().trim());
        assertEquals(0, r.exitCode());
        assertTrue(ms < ProcessCommandRunner.DRAIN_GRACE.toMillis() + 8000, "returned after " + ms + " ms, not 60 s");
    }
}
