// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** QgaClient over non-socket byte streams: a reader thread for plain streams, a selector for pipes. */
@Timeout(60) // hang guard only
class StreamClientTest {

    @Test
    void plainStreamsUseTheReaderThreadAndStillTimeOut() throws Exception {
        PipedOutputStream agentOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(agentOut, 65536);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try (QgaClient c = QgaClient.over(clientIn, sent)) {
            c.timeout(Duration.ofMillis(200));
            agentOut.write("{\"return\": {\"host-name\": \"vm\"}}\n".getBytes(StandardCharsets.UTF_8));
            agentOut.flush();
            assertEquals("vm", c.executeOrThrow("guest-get-host-name").returnMap().get("host-name"));
            assertEquals("{\"execute\": \"guest-get-host-name\"}\n", sent.toString(StandardCharsets.UTF_8));
            assertThrows(SocketTimeoutException.class, () -> c.execute("guest-ping"));
            // A reply that arrives after the timeout is still delivered, in order.
            agentOut.write("{\"return\": {}}\n".getBytes(StandardCharsets.UTF_8));
            agentOut.flush();
            assertTrue(c.readReply().returnMap().isEmpty());
            agentOut.close();
            assertThrows(EOFException.class, c::readReply);
        }
    }

    @Test
    void selectablePipeWorksWithSync() throws Exception {
        Pipe toClient = Pipe.open();
        Pipe toAgent = Pipe.open();
        try (QgaClient c = new QgaClient(toClient.source(), toAgent.sink())) {
            c.timeout(Duration.ofMillis(500));
            // Nothing answers: the sync request is written, the reply never comes.
            assertThrows(SocketTimeoutException.class, c::sync);
            ByteBuffer in = ByteBuffer.allocate(256);
            toAgent.source().read(in);
            in.flip();
            assertEquals((byte) 0xFF, in.get(0));
            String req = StandardCharsets.UTF_8.decode(in.position(1)).toString();
            assertTrue(req.startsWith("{\"execute\": \"guest-sync-delimited\", \"arguments\": {\"id\": "), req);
        }
    }
}
