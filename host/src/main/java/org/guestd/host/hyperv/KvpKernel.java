// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import java.io.IOException;
import java.time.Duration;
import java.util.Random;

/**
 * The kernel side of {@code /dev/vmbus/hv_kvp} ({@code hv_kvp.c} + {@code hv_utils_transport.c}) for
 * tests and benchmarks: waits for the daemon's REGISTER1, answers with the driver version, then
 * plays scripted host requests one at a time (the kernel has one transaction outstanding) and
 * returns the replies; {@link #inject} plays a {@link Fault}.
 */
public final class KvpKernel implements AutoCloseable {
    /** The kernel's reply timeout for a daemon (HV_UTIL_TIMEOUT). */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    private final HvChannel channel;
    private final Random random = new Random(4);

    public KvpKernel(HvChannel channel) {
        this.channel = channel;
    }

    public HvChannel channel() {
        return channel;
    }

    /**
     * Reads the daemon's registration and answers it as the kernel does (operation 100, version
     * {@code "3.1"}).
     *
     * @throws IOException when nothing or something else than a 7432-byte REGISTER1 arrives in time
     */
    public void awaitRegistration(Duration timeout) throws IOException {
        byte[] reg = channel.receive(timeout);
        if (reg == null) {
            throw new IOException("no registration within " + timeout);
        }
        if (reg.length < KvpMessages.SIZE || (reg[0] & 0xff) != KvpMessages.REGISTER1) {
            throw new IOException("not a REGISTER1 message: " + reg.length + " bytes, op " + (reg[0] & 0xff));
        }
        channel.send(KvpMessages.registrationReply(KvpMessages.DRIVER_VERSION));
    }

    /** Sends one request and waits for its reply (the kernel would give up after {@link #REPLY_TIMEOUT}). */
    public KvpReply request(byte[] message) throws IOException {
        return request(message, REPLY_TIMEOUT);
    }

    /** Sends one request and waits up to {@code timeout} for its reply. */
    public KvpReply request(byte[] message, Duration timeout) throws IOException {
        channel.send(message);
        byte[] reply = channel.receive(timeout);
        if (reply == null) {
            throw new IOException("no reply within " + timeout);
        }
        if (reply.length < KvpMessages.SIZE) {
            // the real driver refuses such a write with EINVAL
            throw new IOException("a " + reply.length + "-byte reply (the driver needs at least " + KvpMessages.SIZE + ")");
        }
        return new KvpReply(reply);
    }

    /**
     * Plays a fault. For the message faults the daemon's answer, if any, is read and returned (null
     * when none came within {@code wait}); {@link Fault#REPLY_NEVER_READ} sends {@code 64} SETs to
     * pool 4 and reads nothing; {@link Fault#HOST_CLOSES} closes the channel.
     */
    public byte[] inject(Fault fault, Duration wait) throws IOException {
        switch (fault) {
            case HOST_CLOSES:
                channel.close();
                return null;
            case TRUNCATED: {
                byte[] half = new byte[KvpMessages.SIZE / 2];
                System.arraycopy(KvpMessages.set(4, "truncated", "x"), 0, half, 0, half.length);
                channel.send(half);
                return channel.receive(wait);
            }
            case OVERSIZED: {
                byte[] big = new byte[KvpMessages.SIZE + 100];
                System.arraycopy(KvpMessages.set(4, "oversized", "x"), 0, big, 0, KvpMessages.SIZE);
                byte[] junk = new byte[big.length - KvpMessages.SIZE];
                random.nextBytes(junk);
                System.arraycopy(junk, 0, big, KvpMessages.SIZE, junk.length);
                channel.send(big);
                return channel.receive(wait);
            }
            case WRONG_OP: {
                byte[] m = KvpMessages.set(1, "wrong-op", "x");
                m[0] = (byte) 42;
                channel.send(m);
                return channel.receive(wait);
            }
            case GARBAGE: {
                byte[] m = new byte[KvpMessages.SIZE];
                random.nextBytes(m);
                channel.send(m);
                return channel.receive(wait);
            }
            case REPLY_NEVER_READ:
                for (int i = 0; i < 64; i++) {
                    channel.send(KvpMessages.set(4, "unread-" + i, "v" + i));
                }
                return null;
            default:
                throw new IllegalArgumentException(fault.name());
        }
    }

    /** Reads and discards whatever replies are waiting (after {@link Fault#REPLY_NEVER_READ}); returns how many. */
    public int drain(Duration quiet) throws IOException {
        int n = 0;
        while (channel.receive(quiet) != null) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        channel.close();
    }
}
