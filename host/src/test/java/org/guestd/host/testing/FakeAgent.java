// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;

/**
 * A tiny unix-socket "agent" for tests: accepts one client at a time (like qemu-ga in
 * unix-listen mode), splits the input into requests (a lone 0xFF byte, or a line) and lets a
 * {@link Responder} answer. {@link #qemuGa()} replays the real qemu-ga 7.2 reply bytes.
 */
public final class FakeAgent implements AutoCloseable {

    /** One request: a 0xFF byte ({@code raw} = {0xFF}, json null) or a line (json null if not JSON). */
    public record Request(byte[] raw, Map<String, Object> json) {
        public boolean sentinel() {
            return raw.length == 1 && raw[0] == (byte) 0xFF;
        }

        public String text() {
            return new String(raw, StandardCharsets.UTF_8);
        }

        public String command() {
            return json == null ? null : (String) json.get("execute");
        }

        public Object id() {
            return json == null ? null : json.get("id");
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> arguments() {
            return json == null ? null : (Map<String, Object>) json.get("arguments");
        }
    }

    /** Answers requests. */
    public interface Responder {
        void respond(Request req, Conn conn) throws IOException;
    }

    /** The server end of one client connection. */
    public static final class Conn {
        private final SocketChannel ch;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        public void write(byte[] b) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }

        public void write(String s) throws IOException {
            write(s.getBytes(StandardCharsets.UTF_8));
        }

        public void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public void close() throws IOException {
            ch.close();
        }
    }

    private final Path socket;
    private final Responder responder;
    private final List<Request> requests = new ArrayList<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile ServerSocketChannel server;
    private final Thread thread;
    private volatile boolean stopped;
    private final CountDownLatch ready = new CountDownLatch(1);

    private FakeAgent(Path socket, Duration delay, Responder responder) {
        this.socket = socket;
        this.responder = responder;
        this.thread = new Thread(() -> serve(delay), "fake-agent");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts serving on {@code socket} at once; returns when the socket is bound. */
    public static FakeAgent start(Path socket, Responder responder) throws IOException {
        FakeAgent a = new FakeAgent(socket, Duration.ZERO, responder);
        try {
            a.ready.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (a.server == null) {
            throw new IOException("fake agent did not bind " + socket);
        }
        return a;
    }

    /** Binds {@code socket} only after {@code delay} (an agent that is still starting). */
    public static FakeAgent startLater(Path socket, Duration delay, Responder responder) {
        return new FakeAgent(socket, delay, responder);
    }

    /** Every request received so far. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Every byte received so far, over all connections. */
    public synchronized byte[] received() {
        return received.toByteArray();
    }

    private void serve(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(socket));
            server = s;
            ready.countDown();
            while (!stopped) {
                try (SocketChannel ch = s.accept()) {
                    handle(ch);
                } catch (IOException e) {
                    if (stopped) {
                        return;
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            stopped = true;
        } finally {
            ready.countDown();
        }
    }

    private void handle(SocketChannel ch) throws IOException {
        Conn conn = new Conn(ch);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (ch.isOpen() && ch.read(buf) > 0) {
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                synchronized (this) {
                    received.write(b);
                }
                if (b == (byte) 0xFF) {
                    line.reset();
                    dispatch(new Request(new byte[] {b}, null), conn);
                } else if (b == '\n') {
                    byte[] raw = line.toByteArray();
                    line.reset();
                    if (!new String(raw, StandardCharsets.UTF_8).isBlank()) {
                        dispatch(new Request(raw, parse(raw)), conn);
                    }
                } else {
                    line.write(b);
                }
                if (!ch.isOpen()) {
                    return;
                }
            }
            buf.clear();
        }
    }

    private void dispatch(Request r, Conn conn) throws IOException {
        synchronized (this) {
            requests.add(r);
        }
        responder.respond(r, conn);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(byte[] raw) {
        try {
            Object v = JsonReader.parse(new String(raw, StandardCharsets.UTF_8));
            return v instanceof Map ? (Map<String, Object>) v : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        stopped = true;
        if (server != null) {
            server.close();
        }
        thread.interrupt();
        Files.deleteIfExists(socket);
    }

    /** qemu-ga 7.2 as recorded in the transcripts (replies byte for byte). */
    public static Responder qemuGa() {
        return FakeAgent::qemuGaReply;
    }

    /** The reply qemu-ga would send to {@code r}, written to {@code conn}. */
    public static void qemuGaReply(Request r, Conn conn) throws IOException {
        if (r.sentinel()) {
            conn.write(Transcripts.reply("01", 1));
            return;
        }
        if (r.json() == null) {
            conn.write("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, invalid keyword\"}}\n");
            return;
        }
        String cmd = r.command();
        Map<String, Object> args = r.arguments();
        String fixed = switch (cmd) {
            case "guest-sync-delimited", "guest-sync" -> "{\"return\": " + Json.write(args.get("id")) + "}\n";
            case "guest-ping" -> "{\"return\": {}}\n";
            case "guest-info" -> Transcripts.replyText("06", 1);
            case "guest-get-osinfo" -> Transcripts.replyText("07", 1);
            case "guest-get-host-name" -> Transcripts.replyText("08", 1);
            case "guest-get-timezone" -> Transcripts.replyText("09", 1);
            case "guest-network-get-interfaces" -> Transcripts.replyText("11", 1);
            case "guest-get-fsinfo" -> Transcripts.replyText("12", 1);
            case "guest-get-users" -> Transcripts.replyText("16", 1);
            case "guest-get-vcpus" -> Transcripts.replyText("17", 1);
            case "guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid" -> "";
            default -> null;
        };
        String reply;
        if (fixed == null) {
            String err = "\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command " + cmd
                    + " has not been found\"}";
            reply = r.json().containsKey("id") ? "{\"id\": " + Json.write(r.id()) + ", " + err + "}\n" : "{" + err + "}\n";
        } else if (!fixed.isEmpty() && r.json().containsKey("id")) {
            reply = fixed.substring(0, fixed.length() - 2) + ", \"id\": " + Json.write(r.id()) + "}\n";
        } else {
            reply = fixed;
        }
        if (cmd.equals("guest-sync-delimited")) {
            conn.write(new byte[] {(byte) 0xFF});
        }
        conn.write(reply);
    }
}
