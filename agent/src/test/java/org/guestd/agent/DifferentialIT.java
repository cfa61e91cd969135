// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.guestd.host.conformance.DifferentialRunner;
import org.guestd.host.conformance.DifferentialRunner.Finding;
import org.junit.jupiter.api.Test;

/**
 * The differential runner: Debian's qemu-ga and bin/guestd side by side on this machine, the same
 * read-only requests, no unexplained difference allowed.
 */
class DifferentialIT {
    @Test
    void noUnexplainedDifferenceFromQemuGa() throws Exception {
        Path qemuGa = AgentProcess.qemuGaOrAbort();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Finding> findings;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            findings = DifferentialRunner.run(qemuGa + " -m unix-listen -t {dir} -p {sock}",
                    AgentProcess.REPO.resolve("bin/guestd") + " -m unix-listen -t {dir} -p {sock}", out);
        }
        System.out.print(buf.toString(StandardCharsets.UTF_8));
        List<Finding> unexplained = findings.stream().filter(f -> !f.explained()).toList();
        assertTrue(unexplained.isEmpty(), "unexplained differences: " + unexplained);
    }
}
