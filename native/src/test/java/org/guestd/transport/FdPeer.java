// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;

/** A {@link Peer} on a raw descriptor (pty master or socketpair end), non-blocking and polled. */
final class FdPeer implements Peer {
    private final int fd;
    private final boolean eofVisible;
    private final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
    private boolean closed;

    FdPeer(int fd, boolean eofVisible) throws NativeException {
        this.fd = fd;
        this.eofVisible = eofVisible;
        Posix.setNonBlockingCloexec(fd);
    }

    int fd() {
        return fd;
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
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, data.length));
        b.put(data).flip();
        long deadline = deadline();
        while (b.hasRemaining()) {
            if (Posix.write(fd, b) == 0) {
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
            int r = Posix.read(fd, in);
            if (r < 0) {
                fail("end of file after " + out.size() + " of " + n + " bytes");
            }
            if (r == 0) {
                pause(deadline, "receive " + n + " bytes, got " + out.size());
                continue;
            }
            in.flip();
            byte[] b = new byte[in.remaining()];
            in.get(b);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] receiveMessage() throws Exception {
        long deadline = deadline();
        while (true) {
            in.clear();
            int r = Posix.read(fd, in);
            if (r < 0) {
                fail("end of file instead of a message");
            }
            if (r > 0) {
                in.flip();
                byte[] b = new byte[in.remaining()];
                in.get(b);
                return b;
            }
            pause(deadline, "receive a message");
        }
    }

    @Override
    public byte[] readToEnd() throws Exception {
        if (!eofVisible) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = deadline();
        while (true) {
            in.clear();
            int r;
            try {
                r = Posix.read(fd, in);
            } catch (NativeException e) {
                return out.toByteArray(); // e.g. ECONNRESET counts as the end
            }
            if (r < 0) {
                return out.toByteArray();
            }
            if (r == 0) {
                pause(deadline, "end of file");
                continue;
            }
            in.flip();
            byte[] b = new byte[in.remaining()];
            in.get(b);
            out.writeBytes(b);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                Posix.close(fd);
            } catch (NativeException e) {
                // already closed
            }
        }
    }
}
