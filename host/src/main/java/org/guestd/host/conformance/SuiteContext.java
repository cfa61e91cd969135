// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.guestd.host.qga.QgaClient;

/** What a case can use: the launcher, the shared fixture, and what was expected of the agent. */
final class SuiteContext {
    final AgentLauncher launcher;
    /** The version guest-info must report, or null to accept any non-empty string. */
    final String expectedVersion;
    /**
     * True when the agent under test is the qemu-ga reference: a lost first SIGTERM at teardown is
     * then reported as a note, not a failure of the suite (the suite's cases are what the reference
     * run proves; guestd must end on the first SIGTERM).
     */
    final boolean reference;
    /** A note about the shared fixture's teardown, printed by the suite (null: none). */
    String teardownNote;
    private AgentLauncher.Running shared;

    SuiteContext(AgentLauncher launcher, String expectedVersion, boolean reference) {
        this.launcher = launcher;
        this.expectedVersion = expectedVersion;
        this.reference = reference;
    }

    /** The shared fixture's running agent, started on first use. */
    AgentLauncher.Running shared() throws IOException {
        if (shared == null) {
            shared = launcher.start(List.of(), Map.of());
        }
        return shared;
    }

    /** The shared fixture's connection. */
    QgaClient qga() throws IOException {
        return shared().client;
    }

    /**
     * Stops the shared fixture as test-qga's teardown does: SIGTERM must end it with status 0.
     *
     * @return null when fine (or never started), else what went wrong
     */
    String tearDownShared() throws IOException, InterruptedException {
        if (shared == null) {
            return null;
        }
        AgentLauncher.Running s = shared;
        shared = null;
        int status = s.stop();
        String log = s.logText();
        s.close();
        if (status == 0 && s.slowStop != null) {
            if (reference) {
                teardownNote = "the reference " + s.slowStop;
                return null;
            }
            return s.slowStop;
        }
        return status == 0 ? null : "exit status " + status + " after SIGTERM"
                + (s.slowStop == null ? "" : " (" + s.slowStop + ")") + "; output: " + log.strip();
    }

    /** The reference (qemu-ga) did not end on SIGTERM: reported, not a failure of the suite. */
    static final class ReferenceStuck extends CaseFailure {
        private static final long serialVersionUID = 1L;

        ReferenceStuck(String message) {
            super(message);
        }
    }

    /**
     * test-qga's teardown for an agent a case started itself: SIGTERM must end it with status 0.
     * guestd must end on the first SIGTERM; the qemu-ga reference that needs more (or never ends)
     * raises {@link ReferenceStuck}.
     */
    void checkStops(AgentLauncher.Running a) throws CaseFailure, IOException, InterruptedException {
        int status = a.stop();
        if (status == 0 && a.slowStop == null) {
            return;
        }
        String what = "exit status " + status + " after SIGTERM" + (a.slowStop == null ? "" : " (" + a.slowStop + ")");
        if (reference && a.slowStop != null) {
            throw new ReferenceStuck(what);
        }
        throw new CaseFailure(what);
    }
}
