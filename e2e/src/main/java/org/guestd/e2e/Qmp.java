// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;

/** A minimal QMP client: greeting, capabilities negotiation, commands; events are skipped. */
public final class Qmp implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final LineChannel channel;

    private Qmp(LineChannel channel) {
        this.channel = channel;
    }

    /** Connects to QEMU's QMP socket and leaves capabilities negotiation mode. */
    public static Qmp connect(Path socket, Duration timeout) throws IOException {
        Qmp q = new Qmp(LineChannel.connect(socket, timeout));
        q.next();                       // {"QMP": {...}} greeting
        q.execute("qmp_capabilities", null);
        return q;
    }

    /** Runs a command; returns its {@code return} value, or throws with QEMU's error text. */
    public Object execute(String command, Map<String, ?> args) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("execute", command);
        if (args != null) {
            req.put("arguments", args);
        }
        channel.write(Json.write(req) + "\n");
        while (true) {
            Map<String, Object> reply = next();
            if (reply.containsKey("event")) {
                continue;
            }
            if (reply.containsKey("error")) {
                throw new IOException("QMP " + command + ": " + Json.write(reply.get("error")));
            }
            return reply.get("return");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> next() throws IOException {
        while (true) {
            String line = channel.readLine(TIMEOUT);
            if (!line.isBlank()) {
                return (Map<String, Object>) JsonReader.parse(line);
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
