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
    private AgentLauncher.Running shared;

    SuiteContext(AgentLauncher launcher, String expectedVersion) {
        this.launcher = launcher;
        this.expectedVersion = expectedVersion;
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
        return status == 0 ? null : "exit status " + status + " after SIGTERM; output: " + log.strip();
    }
}
