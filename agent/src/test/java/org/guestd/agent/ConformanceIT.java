// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.host.conformance.ConformanceSuite;
import org.guestd.host.conformance.ConformanceSuite.Outcome;
import org.guestd.host.conformance.ConformanceSuite.Result;
import org.guestd.qga.QgaService;
import org.junit.jupiter.api.Test;

/**
 * qemu's test-qga.c suite ({@link ConformanceSuite}) against {@code bin/guestd}, and against
 * Debian's real qemu-ga when it is installed, which proves the suite itself (CI installs it and
 * sets {@code GUESTD_REQUIRE_QEMU_GA=1}, so there it cannot be skipped).
 */
class ConformanceIT {
    /** Cases that exercise one command, for commands other engineers add in parallel. */
    private static final Map<String, String> CASE_COMMAND = Map.of(
            "/qga/get-load", "guest-get-load",
            "/qga/fsfreeze-status", "guest-fsfreeze-status");

    private static List<Result> run(String template) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Result> results;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            results = ConformanceSuite.run(new ConformanceSuite.Options(template, Map.of(), null, null, List.of()), out);
        }
        System.out.print(buf.toString(StandardCharsets.UTF_8));
        return results;
    }

    @Test
    void guestdPassesTestQga() throws Exception {
        List<Result> results = run(AgentProcess.REPO.resolve("bin/guestd") + " -m unix-listen -t {dir} -p {sock}");
        assertEquals(29, results.stream().filter(r -> r.path().startsWith("/qga/")).count(), results.toString());
        List<String> implemented = QgaService.commandNames();
        List<Result> failed = new ArrayList<>();
        for (Result r : results) {
            String command = CASE_COMMAND.get(r.path());
            boolean notHereYet = command != null && !implemented.contains(command);
            if (r.outcome() == Outcome.FAIL && !notHereYet) {
                failed.add(r);
            }
            if (notHereYet) {
                System.out.println("(" + r.path() + ": " + command + " is not in this build yet)");
            }
        }
        assertTrue(failed.isEmpty(), "failed: " + failed);
    }

    @Test
    void qemuGaPassesTheSameSuite() throws Exception {
        Path qemuGa = AgentProcess.qemuGaOrAbort();
        List<Result> results = run(qemuGa + " -m unix-listen -t {dir} -p {sock}");
        List<Result> failed = results.stream().filter(r -> r.outcome() == Outcome.FAIL).toList();
        assertTrue(failed.isEmpty(), "qemu-ga fails the suite, so the suite is wrong: " + failed);
        assertTrue(results.stream().filter(r -> r.outcome() == Outcome.PASS).count() >= 20, results.toString());
    }
}
