// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import java.io.IOException;
import java.time.Duration;

/**
 * The kernel side of {@code /dev/vmbus/hv_fcopy} as Debian 12's {@code hv_fcopy.c} (char device):
 * the daemon writes the 4-byte version 1 and gets 1 back; START_FILE_COPY (1088 bytes, names in
 * UTF-8), WRITE_TO_FILE (6196 bytes), COMPLETE and CANCEL (the raw host header, 36 bytes here);
 * each reply is a 4-byte int status.
 */
public final class FcopyKernel implements AutoCloseable {
    public static final int START = 0;
    public static final int WRITE = 1;
    public static final int COMPLETE = 2;
    public static final int CANCEL = 3;
    public static final int OVER_WRITE = 1;
    public static final int CREATE_PATH = 2;
    public static final int DATA_FRAGMENT = 6144;

    private final HvChannel channel;

    public FcopyKernel(HvChannel channel) {
        this.channel = channel;
    }

    public HvChannel channel() {
        return channel;
    }

    /** Reads the daemon's 4-byte version and answers 1. */
    public void awaitRegistration(Duration timeout) throws IOException {
        byte[] reg = channel.receive(timeout);
        if (reg == null || reg.length != 4 || KvpMessages.u32(reg, 0) != 1) {
            throw new IOException("no fcopy registration: " + (reg == null ? "nothing" : reg.length + " bytes"));
        }
        byte[] v = new byte[4];
        KvpMessages.putU32(v, 0, 1);
        channel.send(v);
    }

    /** START_FILE_COPY of {@code dir}/{@code name}. */
    public static byte[] start(String name, String dir, int flags, long size) {
        byte[] m = new byte[1088];
        KvpMessages.putU32(m, 0, START);
        KvpMessages.putString(m, 36, 520, name);
        KvpMessages.putString(m, 556, 520, dir);
        KvpMessages.putU32(m, 1076, flags);
        KvpMessages.putU32(m, 1080, (int) size);
        KvpMessages.putU32(m, 1084, (int) (size >>> 32));
        return m;
    }

    /** WRITE_TO_FILE of up to 6144 bytes at {@code offset}. */
    public static byte[] write(long offset, byte[] data, int from, int len) {
        byte[] m = new byte[52 + DATA_FRAGMENT];
        KvpMessages.putU32(m, 0, WRITE);
        KvpMessages.putU32(m, 40, (int) offset);
        KvpMessages.putU32(m, 44, (int) (offset >>> 32));
        KvpMessages.putU32(m, 48, len);
        System.arraycopy(data, from, m, 52, len);
        return m;
    }

    /** COMPLETE_FCOPY or CANCEL_FCOPY: the bare header. */
    public static byte[] header(int op) {
        byte[] m = new byte[36];
        KvpMessages.putU32(m, 0, op);
        return m;
    }

    /** Sends a message and returns the 4-byte status. */
    public int request(byte[] message, Duration timeout) throws IOException {
        channel.send(message);
        byte[] r = channel.receive(timeout);
        if (r == null || r.length != 4) {
            throw new IOException("bad fcopy reply: " + (r == null ? "none" : r.length + " bytes"));
        }
        return KvpMessages.u32(r, 0);
    }

    /** Copies a whole file the way the host does: START, WRITEs of 6144 bytes, COMPLETE; the first failing status. */
    public int copy(String name, String dir, int flags, byte[] content, Duration timeout) throws IOException {
        int s = request(start(name, dir, flags, content.length), timeout);
        if (s != 0) {
            return s;
        }
        for (int off = 0; off < content.length; off += DATA_FRAGMENT) {
            s = request(write(off, content, off, Math.min(DATA_FRAGMENT, content.length - off)), timeout);
            if (s != 0) {
                request(header(CANCEL), timeout);
                return s;
            }
        }
        return request(header(COMPLETE), timeout);
    }

    @Override
    public void close() {
        channel.close();
    }
}
