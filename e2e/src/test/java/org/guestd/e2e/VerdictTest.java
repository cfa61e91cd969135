// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How case endings become outcomes, and how the report shows them side by side. */
class VerdictTest {

    @Test
    void guestdOutcomes() {
        assertEquals(Outcome.PASS, Verdict.of(Agent.GUESTD, null));
        assertEquals(Verdict.NOT_IMPLEMENTED_IS_FAILURE ? Outcome.FAIL : Outcome.NOT_IMPLEMENTED,
                Verdict.of(Agent.GUESTD, new Verdict.NotImplemented("guest-set-time", "not found")));
        assertEquals(Outcome.FAIL, Verdict.of(Agent.GUESTD, new Verdict.CaseFailure("offset")));
        assertEquals(Outcome.FAIL, Verdict.of(Agent.GUESTD, new IOException("timeout")));
        assertEquals(Outcome.SKIPPED, Verdict.of(Agent.GUESTD, new Verdict.Skip("no DIMM slot")));
    }

    @Test
    void referenceFailuresAreMarkedNotDropped() {
        assertEquals(Outcome.REFERENCE_FAIL, Verdict.of(Agent.QEMU_GA, new Verdict.CaseFailure("offset 0")));
        assertEquals(Outcome.REFERENCE_FAIL, Verdict.of(Agent.QEMU_GA, new Verdict.NotImplemented("x", "y")));
        assertEquals(Outcome.SKIPPED, Verdict.of(Agent.QEMU_GA, new Verdict.Skip("no DIMM slot")));
    }

    @Test
    void reportShowsBothAgentsPerCase() {
        VmImage img = new VmImage(Path.of("vmlinux"), Path.of("initrd"), Path.of("disk"), "6.1.0-56-amd64", "qga.deb");
        VmSuite.AgentRun g = new VmSuite.AgentRun(Agent.GUESTD, List.of(
                new CaseResult("ping", Agent.GUESTD, Outcome.PASS, "", 3),
                new CaseResult("set-time", Agent.GUESTD, Outcome.NOT_IMPLEMENTED, "CommandNotFound", 4)),
                Map.of("first-reply", "9000 ms"));
        VmSuite.AgentRun q = new VmSuite.AgentRun(Agent.QEMU_GA, List.of(
                new CaseResult("ping", Agent.QEMU_GA, Outcome.PASS, "", 3),
                new CaseResult("set-time", Agent.QEMU_GA, Outcome.REFERENCE_FAIL, "hwclock", 4)),
                Map.of("first-reply", "3000 ms"));
        String md = Report.markdown(img, List.of(g, q));
        assertTrue(md.contains("| set-time | not implemented yet | qemu-ga FAILS |"), md);
        assertTrue(md.contains("| first-reply | 9000 ms | 3000 ms |"), md);
        assertFalse(g.failed());
        assertFalse(q.failed());
        assertEquals("1 PASS, 1 not implemented yet", Report.counts(g));
    }
}
