// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import java.io.IOException;
import java.time.Duration;

/**
 * The kernel side of {@code /dev/vmbus/hv_vss} ({@code hv_snapshot.c}): 12-byte {@code hv_vss_msg}
 * messages; REGISTER1 (129) is answered with the 4-byte version 129; then host operations.
 */
public final class VssKernel implements AutoCloseable {
    public static final int SIZE = 12;
    public static final int HOT_BACKUP = 2;
    public static final int FREEZE = 5;
    public static final int THAW = 6;
    public static final int REGISTER1 = 129;

    private final HvChannel channel;

    public VssKernel(HvChannel channel) {
        this.channel = channel;
    }

    public HvChannel channel() {
        return channel;
    }

    /** Reads the daemon's 12-byte REGISTER1 and answers the u32 version 129. */
    public void awaitRegistration(Duration timeout) throws IOException {
        byte[] reg = channel.receive(timeout);
        if (reg == null || reg.length != SIZE || (reg[0] & 0xff) != REGISTER1) {
            throw new IOException("no VSS REGISTER1: " + (reg == null ? "nothing" : reg.length + " bytes"));
        }
        byte[] v = new byte[4];
        KvpMessages.putU32(v, 0, REGISTER1);
        channel.send(v);
    }

    /** Sends operation {@code op} and returns the status of the 12-byte reply. */
    public int request(int op, Duration timeout) throws IOException {
        byte[] m = new byte[SIZE];
        m[0] = (byte) op;
        return status(requestRaw(m, timeout));
    }

    /** Sends any message and returns the reply as read (null if none in time). */
    public byte[] requestRaw(byte[] message, Duration timeout) throws IOException {
        channel.send(message);
        return channel.receive(timeout);
    }

    /** The status of a reply (bytes 0..3). */
    public static int status(byte[] reply) throws IOException {
        if (reply == null || reply.length != SIZE) {
            throw new IOException("bad VSS reply: " + (reply == null ? "none" : reply.length + " bytes"));
        }
        return KvpMessages.u32(reply, 0);
    }

    @Override
    public void close() {
        channel.close();
    }
}
