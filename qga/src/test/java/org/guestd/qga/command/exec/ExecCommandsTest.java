// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.guestd.core.env.HostPaths;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.FakeCommandRunner;
import org.guestd.process.ProcessRunner;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.qga.testing.Qga;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // hang guard only
class ExecCommandsTest {
    @TempDir
    Path dir;
    Qga qga;

    @BeforeEach
    void setUp() throws Exception {
        qga = new Qga(dir, HostPaths.under(dir), new FakeCommandRunner());
    }

    private long exec(String args) {
        Map<?, ?> r = (Map<?, ?>) qga.ok("{\"execute\":\"guest-exec\",\"arguments\":" + args + "}");
        assertEquals(Set.of("pid"), r.keySet());
        long pid = (Long) r.get("pid");
        assertTrue(pid > 0);
        return pid;
    }

    /** Polls guest-exec-status until exited (the hang guard is the class timeout). */
    private Map<?, ?> await(long pid) throws InterruptedException {
        while (true) {
            Map<?, ?> s = (Map<?, ?>) qga.ok("{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid + "}}");
            if (Boolean.TRUE.equals(s.get("exited"))) {
                return s;
            }
            assertEquals(Set.of("exited"), s.keySet());
            Thread.sleep(10);
        }
    }

    private static String text(Object b64) {
        return new String(Base64.getDecoder().decode((String) b64), StandardCharsets.UTF_8);
    }

    @Test
    void echoCapturedThenRecordGone() throws Exception {
        long pid = exec("{\"path\":\"/bin/echo\",\"arg\":[\"hi\"],\"capture-output\":true}");
        Map<?, ?> s = await(pid);
        assertEquals(Map.of("exited", true, "exitcode", 0L, "out-data", "aGkK", "out-truncated", false), s);
        assertEquals("Invalid parameter 'pid'",
                qga.error("{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid + "}}"));
    }

    @Test
    void exitCodeWithoutCapture() throws Exception {
        long pid = exec("{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"echo x; exit 3\"]}");
        assertEquals(Map.of("exited", true, "exitcode", 3L), await(pid));
    }

    @Test
    void signalIsNotAnExitCode() throws Exception {
        long pid = exec("{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"kill -9 $$\"]}");
        assertEquals(Map.of("exited", true, "signal", 9L), await(pid));
        pid = exec("{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"exit 137\"]}");
        assertEquals(Map.of("exited", true, "exitcode", 137L), await(pid));
    }

    @Test
    void stdinEnvAndStderr() throws Exception {
        long pid = exec("{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"cat; echo \\\"$FOO\\\" >&2\"],"
                + "\"env\":[\"FOO=bar\",\"PATH=/usr/bin:/bin\"],\"input-data\":\"ZnJvbS1zdGRpbgo=\","
                + "\"capture-output\":true}");
        assertEquals(Map.of("exited", true, "exitcode", 0L, "out-data", "ZnJvbS1zdGRpbgo=", "out-truncated", false,
                "err-data", "YmFyCg==", "err-truncated", false), await(pid));
    }

    @Test
    void environmentIsExactlyTheGivenOne() throws Exception {
        long pid = exec("{\"path\":\"/usr/bin/env\",\"env\":[\"A=1\"],\"capture-output\":true}");
        assertEquals("A=1\n", text(await(pid).get("out-data")));
    }

    @Test
    void captureModes() throws Exception {
        String script = "for i in $(seq 4); do if [ $((i % 2)) = 1 ]; then echo stdout; else echo stderr 1>&2; fi; done";
        long pid = exec("{\"path\":\"sh\",\"arg\":[\"-c\",\"" + script + "\"],\"capture-output\":\"separated\"}");
        Map<?, ?> s = await(pid);
        assertEquals("stdout\nstdout\n", text(s.get("out-data")));
        assertEquals("stderr\nstderr\n", text(s.get("err-data")));
        pid = exec("{\"path\":\"sh\",\"arg\":[\"-c\",\"" + script + "\"],\"capture-output\":\"merged\"}");
        s = await(pid);
        assertEquals("stdout\nstderr\nstdout\nstderr\n", text(s.get("out-data")));
        assertFalse(s.containsKey("err-data"));
        pid = exec("{\"path\":\"sh\",\"arg\":[\"-c\",\"" + script + "\"],\"capture-output\":\"stderr\"}");
        s = await(pid);
        assertEquals(Set.of("exited", "exitcode", "err-data", "err-truncated"), s.keySet());
        pid = exec("{\"path\":\"sh\",\"arg\":[\"-c\",\"" + script + "\"],\"capture-output\":\"stdout\"}");
        assertEquals(Set.of("exited", "exitcode", "out-data", "out-truncated"), await(pid).keySet());
        pid = exec("{\"path\":\"sh\",\"arg\":[\"-c\",\"" + script + "\"],\"capture-output\":false}");
        assertEquals(Map.of("exited", true, "exitcode", 0L), await(pid));
        assertEquals("Parameter 'capture-output' does not accept value 'both'",
                qga.error("{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"sh\",\"capture-output\":\"both\"}}"));
        assertEquals("Invalid parameter type for 'capture-output', expected: GuestExecCaptureOutput",
                qga.error("{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"sh\",\"capture-output\":1}}"));
    }

    @Test
    void truncatedOutputIsFlaggedPerStream() throws Exception {
        // the feature's limit (16 MiB by default, ProcessRunnerTest) made small: 3000 bytes on stdout, 1 on stderr
        qga = new Qga(QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0)).withProcesses(new ProcessRunner(1024)));
        long pid = exec("{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"head -c 3000 /dev/zero; printf e >&2\"],"
                + "\"capture-output\":true}");
        Map<?, ?> s = await(pid);
        assertEquals(true, s.get("out-truncated"));
        assertEquals(1024, Base64.getDecoder().decode((String) s.get("out-data")).length);
        assertEquals("ZQ==", s.get("err-data"));
        assertEquals(false, s.get("err-truncated"));
    }

    @Test
    void withoutTheProcessFeatureNotSupported() throws Exception {
        qga = new Qga(QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0)));
        assertEquals("this feature or command is not currently supported",
                qga.error("{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/true\"}}"));
        assertEquals("this feature or command is not currently supported",
                qga.error("{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":1}}"));
    }

    @Test
    void runningChildReportsOnlyExited() throws Exception {
        long pid = exec("{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"read x\"],\"input-data\":\"\"}");
        // stdin is closed at once (empty input), so `read` ends; a child waiting on a pipe we hold:
        long sleeper = exec("{\"path\":\"/bin/cat\",\"capture-output\":true,\"input-data\":\"" + bigInput() + "\"}");
        await(pid);
        assertEquals(1L << 20, Base64.getDecoder().decode((String) await(sleeper).get("out-data")).length);
    }

    @Test
    void scriptWithoutShebangRunsWithSh() throws Exception {
        Path script = Files.writeString(dir.resolve("script"), "echo from-script\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        long pid = exec("{\"path\":\"" + script + "\",\"capture-output\":true}");
        assertEquals("from-script\n", text(await(pid).get("out-data")));
    }

    private static String bigInput() {
        return Base64.getEncoder().encodeToString(new byte[1 << 20]);
    }

    @Test
    void errors() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "data");
        assertEquals("Guest agent command failed, error was 'Failed to execute child process \u201C/bin/invalid-cmd42\u201D"
                + " (No such file or directory)'",
                qga.error("{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/invalid-cmd42\"}}"));
        assertEquals("Guest agent command failed, error was 'Failed to execute child process \u201Cinvalid-cmd42\u201D"
                + " (No such file or directory)'",
                qga.error("{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"invalid-cmd42\"}}"));
        assertEquals("Invalid parameter 'pid'",
                qga.error("{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":0}}"));
        assertEquals("Base64 data contains invalid characters", qga.error(
                "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/echo\",\"input-data\":\"***not base64***\"}}"));
        assertEquals("Guest agent command failed, error was 'Failed to execute child process \u201C" + plain
                + "\u201D (Permission denied)'",
                qga.error("{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"" + plain + "\"}}"));
    }
}
