// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Posix;
import org.guestd.jna.linux.SocketPairs;
import org.guestd.jna.linux.Spawn;

/**
 * The kernel side of one hv_utils char device, on a SOCK_SEQPACKET socketpair: one send is one
 * message, one receive one whole message, as {@code hv_utils_transport.c} does for the real device.
 * The other end ({@link #guestPath()}, {@code fd:N}) is handed to the daemon under test: to guestd
 * in-process as its {@code --kvp-device fd:N}, or to a child through {@link ChildLauncher}.
 */
public final class HvChannel implements AutoCloseable {
    /** Larger than any hv_utils message, so an over-long reply is seen as such, not cut. */
    static final int MAX_MESSAGE = 64 * 1024;

    private final int hostFd;
    private int guestFd;
    private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_MESSAGE);
    private final ByteBuffer out = ByteBuffer.allocateDirect(MAX_MESSAGE);
    private boolean closed;

    /** A new pair; both ends blocking and close-on-exec. */
    public HvChannel() throws NativeException {
        int[] sv = SocketPairs.seqpacket();
        hostFd = sv[0];
        guestFd = sv[1];
    }

    /** The guest end's descriptor number. */
    public int guestFd() {
        return guestFd;
    }

    /** The guest end as a transport path: {@code fd:N}. */
    public String guestPath() {
        return "fd:" + guestFd;
    }

    /**
     * Gives the guest end away to an in-process transport, which will close it: this channel
     * forgets it (never closes a descriptor number it no longer owns).
     *
     * @return {@code fd:N}
     */
    public synchronized String handOver() {
        String p = guestPath();
        guestFd = -1;
        return p;
    }

    /** Closes the guest end here, after it was handed to a child (which holds its own copy). */
    public synchronized void closeGuestEnd() {
        if (guestFd >= 0) {
            closeQuietly(guestFd);
            guestFd = -1;
        }
    }

    /** Sends one message to the daemon. */
    public synchronized void send(byte[] message) throws IOException {
        if (message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("message of " + message.length + " bytes");
        }
        out.clear();
        out.put(message).flip();
        int n = Posix.write(hostFd, out);
        if (n != message.length) {
            throw new IOException("short send: " + n + " of " + message.length);
        }
    }

    /**
     * The next message from the daemon, waiting up to {@code timeout}.
     *
     * @return the message, or null if none came in time
     * @throws EOFException when the daemon closed its end
     */
    public synchronized byte[] receive(Duration timeout) throws IOException {
        if (!readable(timeout)) {
            return null;
        }
        in.clear();
        int n = Posix.recv(hostFd, in, Posix.MSG_TRUNC);
        if (n < 0) {
            throw new EOFException("the daemon closed the device");
        }
        if (n > MAX_MESSAGE) {
            throw new IOException("a " + n + "-byte message from the daemon");
        }
        in.flip();
        byte[] msg = new byte[in.remaining()];
        in.get(msg);
        return msg;
    }

    /** Whether a message (or end of file) is waiting, after up to {@code timeout}. */
    public boolean readable(Duration timeout) throws IOException {
        int[] fd = {hostFd};
        short[] events = {Spawn.POLLIN};
        short[] revents = new short[1];
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int ms = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
            if (Spawn.poll(fd, events, revents, ms) > 0) { // EINTR counts as 0: poll again until the deadline
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
        }
    }

    /** Closes the host end: the daemon sees end of file, as when the device goes away. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(hostFd);
            closeGuestEnd();
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (NativeException e) {
            // already gone
        }
    }
}
