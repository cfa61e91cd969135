// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A one-connection Unix socket server whose conversation is scripted by the test (stands in for QEMU's sockets). */
final class FakeSocketServer implements AutoCloseable {

    /** The server's side of the conversation. */
    interface Script {
        void talk(BufferedReader in, OutputStream out) throws IOException;
    }

    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile Throwable failure;

    FakeSocketServer(Path socket, Script script) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> {
            try (SocketChannel c = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                script.talk(in, Channels.newOutputStream(c));
            } catch (Throwable t) {
                failure = t;
            }
        }, "fake-server");
        thread.setDaemon(true);
        thread.start();
    }

    static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits for the script to finish; rethrows what it threw. */
    void finish() throws Exception {
        thread.join(10_000);
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure != null) {
            throw new AssertionError(failure);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
