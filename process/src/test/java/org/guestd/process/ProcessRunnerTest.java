// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // hang guard only
class ProcessRunnerTest {
    private static final String SCRIPT =
            "for i in $(seq 4); do if [ $((i % 2)) = 1 ]; then echo stdout; else echo stderr 1>&2; fi; done";

    @TempDir
    Path dir;
    final ProcessRunner runner = new ProcessRunner();

    /** Polls until the child's end is reported (the hang guard is the class timeout). */
    private ProcessStatus await(ProcessRunner r, int pid) throws InterruptedException {
        while (true) {
            ProcessStatus s = r.poll(pid).orElseThrow(() -> new AssertionError("pid " + pid + " unknown"));
            if (s.exited()) {
                return s;
            }
            assertEquals(ProcessStatus.RUNNING, s);
            Thread.sleep(10);
        }
    }

    private ProcessStatus run(ProcessSpec spec) throws Exception {
        int pid = runner.start(spec);
        assertTrue(pid > 0);
        return await(runner, pid);
    }

    private static String text(ProcessStatus.Output o) {
        return new String(o.data(), StandardCharsets.UTF_8);
    }

    @Test
    void echoCapturedThenForgotten() throws Exception {
        int pid = runner.start(ProcessSpec.of("/bin/echo", "hi").withOutput(OutputMode.SEPARATED));
        assertEquals(1, runner.size());
        ProcessStatus s = await(runner, pid);
        assertEquals(OptionalInt.of(0), s.exitCode());
        assertEquals(OptionalInt.empty(), s.signal());
        assertEquals("hi\n", text(s.stdout()));
        assertFalse(s.stdout().truncated());
        assertEquals(0, s.stderr().data().length);
        assertEquals(Optional.empty(), runner.poll(pid));
        assertEquals(0, runner.size());
    }

    @Test
    void exitCodeWithoutCapture() throws Exception {
        ProcessStatus s = run(ProcessSpec.of("/bin/sh", "-c", "echo x; exit 3"));
        assertEquals(OptionalInt.of(3), s.exitCode());
        assertEquals(0, s.stdout().data().length);
    }

    @Test
    void signalIsNotAnExitCode() throws Exception {
        ProcessStatus killed = run(ProcessSpec.of("/bin/sh", "-c", "kill -9 $$"));
        assertEquals(OptionalInt.of(9), killed.signal());
        assertEquals(OptionalInt.empty(), killed.exitCode());
        ProcessStatus exited = run(ProcessSpec.of("/bin/sh", "-c", "exit 137"));
        assertEquals(OptionalInt.of(137), exited.exitCode());
        assertEquals(OptionalInt.empty(), exited.signal());
    }

    @Test
    void stdinEnvAndStderr() throws Exception {
        ProcessStatus s = run(ProcessSpec.of("/bin/sh", "-c", "cat; echo \"$FOO\" >&2")
                .withEnvironment(List.of("FOO=bar", "PATH=/usr/bin:/bin"))
                .withStdin("from-stdin\n".getBytes(StandardCharsets.UTF_8))
                .withOutput(OutputMode.SEPARATED));
        assertEquals(OptionalInt.of(0), s.exitCode());
        assertEquals("from-stdin\n", text(s.stdout()));
        assertEquals("bar\n", text(s.stderr()));
    }

    @Test
    void environmentIsExactlyTheGivenOne() throws Exception {
        ProcessStatus s = run(ProcessSpec.of("/usr/bin/env").withEnvironment(List.of("A=1"))
                .withOutput(OutputMode.SEPARATED));
        assertEquals("A=1\n", text(s.stdout()));
    }

    @Test
    void outputModes() throws Exception {
        ProcessStatus s = run(ProcessSpec.of("sh", "-c", SCRIPT).withOutput(OutputMode.SEPARATED));
        assertEquals("stdout\nstdout\n", text(s.stdout()));
        assertEquals("stderr\nstderr\n", text(s.stderr()));
        s = run(ProcessSpec.of("sh", "-c", SCRIPT).withOutput(OutputMode.MERGED));
        assertEquals("stdout\nstderr\nstdout\nstderr\n", text(s.stdout()));
        assertEquals(0, s.stderr().data().length);
        s = run(ProcessSpec.of("sh", "-c", SCRIPT).withOutput(OutputMode.STDERR));
        assertEquals(0, s.stdout().data().length);
        assertEquals("stderr\nstderr\n", text(s.stderr()));
        s = run(ProcessSpec.of("sh", "-c", SCRIPT).withOutput(OutputMode.STDOUT));
        assertEquals("stdout\nstdout\n", text(s.stdout()));
        assertEquals(0, s.stderr().data().length);
        s = run(ProcessSpec.of("sh", "-c", SCRIPT));
        assertEquals(OptionalInt.of(0), s.exitCode());
        assertEquals(0, s.stdout().data().length + s.stderr().data().length);
    }

    @Test
    void outputIsCappedAt16MiBByDefault() throws Exception {
        assertEquals(16 * 1024 * 1024, ProcessRunner.DEFAULT_OUTPUT_LIMIT);
        // 17 MiB of zeros on stdout, 1 byte on stderr
        ProcessStatus s = run(ProcessSpec.of("/bin/sh", "-c", "head -c 17825792 /dev/zero; printf e >&2")
                .withOutput(OutputMode.SEPARATED));
        assertTrue(s.stdout().truncated());
        assertEquals(ProcessRunner.DEFAULT_OUTPUT_LIMIT, s.stdout().data().length);
        assertFalse(s.stderr().truncated());
        assertEquals("e", text(s.stderr()));
    }

    @Test
    void aSmallerLimitIsKept() throws Exception {
        ProcessRunner small = new ProcessRunner(10);
        int pid = small.start(ProcessSpec.of("/bin/sh", "-c", "printf 0123456789; printf abc >&2")
                .withOutput(OutputMode.SEPARATED));
        ProcessStatus s = await(small, pid);
        assertEquals("0123456789", text(s.stdout()));
        assertFalse(s.stdout().truncated(), "exactly the limit is not truncated");
        assertEquals("abc", text(s.stderr()));
        assertThrows(IllegalArgumentException.class, () -> new ProcessRunner(-1));
    }

    @Test
    void aMegabyteThroughStdinWhileAnotherChildRuns() throws Exception {
        int reader = runner.start(ProcessSpec.of("/bin/sh", "-c", "read x").withStdin(new byte[0]));
        byte[] big = new byte[1 << 20];
        big[12345] = 7;
        int cat = runner.start(ProcessSpec.of("/bin/cat").withStdin(big).withOutput(OutputMode.SEPARATED));
        assertEquals(OptionalInt.of(1), await(runner, reader).exitCode(), "empty stdin: read meets EOF");
        assertArrayEquals(big, await(runner, cat).stdout().data());
    }

    @Test
    void scriptWithoutShebangRunsWithSh() throws Exception {
        Path script = Files.writeString(dir.resolve("script"), "echo from-script \"$1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        ProcessStatus s = run(ProcessSpec.of(script.toString(), "arg1").withOutput(OutputMode.SEPARATED));
        assertEquals("from-script arg1\n", text(s.stdout()));
    }

    @Test
    void pathIsSearchedInTheGivenEnvironment() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("guestd-test-tool"), "#!/bin/sh\necho found\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        ProcessStatus s = run(ProcessSpec.of("guestd-test-tool").withEnvironment(List.of("PATH=" + bin))
                .withOutput(OutputMode.SEPARATED));
        assertEquals("found\n", text(s.stdout()));
    }

    @Test
    void startFailuresInGlibsWords() throws Exception {
        ProcessException e = assertThrows(ProcessException.class,
                () -> runner.start(ProcessSpec.of("/bin/invalid-cmd42")));
        assertEquals("Failed to execute child process \u201C/bin/invalid-cmd42\u201D (No such file or directory)",
                e.getMessage());
        assertEquals("/bin/invalid-cmd42", e.program());
        assertEquals("No such file or directory", e.reason());
        e = assertThrows(ProcessException.class, () -> runner.start(ProcessSpec.of("invalid-cmd42")));
        assertEquals("Failed to execute child process \u201Cinvalid-cmd42\u201D (No such file or directory)",
                e.getMessage());
        Path plain = Files.writeString(dir.resolve("plain"), "data");
        e = assertThrows(ProcessException.class, () -> runner.start(ProcessSpec.of(plain.toString())));
        assertEquals("Permission denied", e.reason());
        assertEquals(Optional.empty(), runner.poll(0));
        assertEquals(0, runner.size());
    }
}
