// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.guestd.host.qga.QgaClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box test classes that share one {@code bin/guestd} per class: started in a temporary state
 * dir with the default environment, connected and synced before the first test; at the end the
 * client is closed and the agent must exit 0 on SIGTERM (its log is the failure message).
 */
abstract class LiveAgentBase {
    @TempDir
    static Path state;
    static AgentProcess agent;
    static QgaClient client;

    @BeforeAll
    static void startAgent() throws IOException {
        agent = AgentProcess.start(state, Map.of());
        client = QgaClient.connect(agent.socket, Duration.ofSeconds(30));
        client.sync();
    }

    @AfterAll
    static void stopAgent() throws Exception {
        client.close();
        assertEquals(0, agent.terminate(), agent.logText());
    }

    /** A reply's JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
