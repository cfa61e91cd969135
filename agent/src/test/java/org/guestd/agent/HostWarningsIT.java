// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.guestd.host.qga.QgaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box, issue 16 (logs that help): a host that sends bad input over 200 connections, and 2,000
 * requests of the same kind, leaves one warn line for the bad input, not one per connection, and
 * no info line per request.
 */
class HostWarningsIT {
    @TempDir
    Path state;

    @Test
    void badInputOverManyConnectionsIsOneLineAndRequestsAreNotLoggedAtInfo() throws Exception {
        try (AgentProcess agent = AgentProcess.start(state, Map.of())) {
            try (QgaClient c = QgaClient.connect(agent.socket, Duration.ofSeconds(30))) {
                c.sync();
                for (int i = 0; i < 2000; i++) {
                    assertTrue(c.execute(i % 2 == 0 ? "guest-ping" : "guest-get-time").hasReturn());
                }
            }
            for (int i = 0; i < 200; i++) {
                try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(agent.socket))) {
                    s.write(ByteBuffer.wrap("this is not json ]]\n".getBytes(StandardCharsets.US_ASCII)));
                    s.read(ByteBuffer.allocate(4096)); // the first error reply: the input was parsed
                }
            }
            try (QgaClient c = QgaClient.connect(agent.socket, Duration.ofSeconds(30))) {
                c.sync(); // all of the above handled and logged
            }
            String log = agent.logText();
            long badInput = log.lines().filter(l -> l.contains("sent bad input")).count();
            long info = log.lines().filter(l -> l.contains(" INFO ")).count();
            assertEquals(1, badInput, log);
            assertTrue(log.contains("more like this within a minute"), log);
            assertTrue(info < 20, info + " info lines for 2,000 requests and 200 connections:\n" + log);
        }
    }
}
