// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A JDK Unix domain socket client as the {@link Peer}, non-blocking and polled. */
final class UnixPeer implements Peer {
    private final SocketChannel ch;
    private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);

    UnixPeer(Path socket) throws IOException {
        ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        ch.configureBlocking(false);
    }

    private static long deadline() {
        return System.nanoTime() + RecordingHandler.GUARD_MILLIS * 1_000_000L;
    }

    private static void pause(long deadline, String what) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            fail("hang guard: " + what);
        }
        Thread.sleep(1);
    }

    @Override
    public void send(byte[] data) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(data);
        long deadline = deadline();
        while (b.hasRemaining()) {
            if (ch.write(b) == 0) {
                pause(deadline, "send");
            }
        }
    }

    @Override
    public byte[] receive(int n) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = deadline();
        while (out.size() < n) {
            in.clear();
            in.limit(Math.min(in.capacity(), n - out.size()));
            int r = ch.read(in);
            if (r < 0) {
                fail("end of file after " + out.size() + " of " + n + " bytes");
            }
            if (r == 0) {
                pause(deadline, "receive");
                continue;
            }
            out.write(in.array(), 0, r);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] receiveMessage() {
        throw new UnsupportedOperationException("stream peer");
    }

    @Override
    public byte[] readToEnd() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = deadline();
        while (true) {
            in.clear();
            int r = ch.read(in);
            if (r < 0) {
                return out.toByteArray();
            }
            if (r == 0) {
                pause(deadline, "end of file");
                continue;
            }
            out.write(in.array(), 0, r);
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // ignore
        }
    }
}
