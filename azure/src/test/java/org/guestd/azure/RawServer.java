// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback server that answers each connection with scripted raw bytes (written in parts, with
 * pauses between them), for HTTP edge cases a real server would never produce.
 */
final class RawServer implements AutoCloseable {
    /** One answer: parts written in order, sleeping {@code pauseMillis} between parts. */
    record Answer(List<byte[]> parts, long pauseMillis) {
        static Answer of(String raw) {
            return new Answer(List.of(raw.getBytes(StandardCharsets.ISO_8859_1)), 0);
        }
    }

    private final ServerSocket server;
    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    final List<String> requests = new ArrayList<>();
    private final Thread thread;

    RawServer() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        thread = new Thread(this::loop, "raw-server");
        thread.setDaemon(true);
        thread.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    void answer(Answer a) {
        answers.add(a);
    }

    private void loop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                String req = readRequest(s.getInputStream());
                synchronized (requests) {
                    requests.add(req);
                }
                Answer a = answers.poll();
                if (a == null) {
                    continue;
                }
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < a.parts().size(); i++) {
                    if (i > 0 && a.pauseMillis() > 0) {
                        Thread.sleep(a.pauseMillis());
                    }
                    out.write(a.parts().get(i));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // client went away, or closing
            }
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String head = b.toString(StandardCharsets.ISO_8859_1);
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int n = Integer.parseInt(line.substring(15).strip());
                head += new String(in.readNBytes(n), StandardCharsets.UTF_8);
            }
        }
        return head;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
