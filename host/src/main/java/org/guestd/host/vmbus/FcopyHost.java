// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.vmbus;

import java.io.IOException;
import java.time.Duration;

/**
 * The Hyper-V host's file-copy service (Copy-VMFile) on an emulated channel: one request at a
 * time, each answered before the next is sent, as the host does. Versions offered at negotiation:
 * framework 1.0 and 3.0, service 1.0 and 1.1.
 */
public final class FcopyHost {
    public static final int[] FRAMEWORK = {IcMessages.version(1, 0), IcMessages.version(3, 0)};
    public static final int[] SERVICE = {IcMessages.version(1, 0), IcMessages.version(1, 1)};

    private final UioHostEmulator emu;
    private final Duration timeout;
    private long xid = 0x1000;
    private int icTransaction;
    private HostRing.Packet last;

    public FcopyHost(UioHostEmulator emu, Duration timeout) {
        this.emu = emu;
        this.timeout = timeout;
    }

    public UioHostEmulator emulator() {
        return emu;
    }

    /** The packet of the last reply (its transaction id, type, flags). */
    public HostRing.Packet lastReply() {
        return last;
    }

    /** The next IC transaction number (wraps at 256, as the u8 field does). */
    public int nextTransaction() {
        return icTransaction++ & 0xff;
    }

    /** Sends one message and returns the reply payload. */
    public byte[] request(byte[] payload) throws IOException {
        long id = xid++;
        if (!emu.send(id, payload)) {
            throw new IOException("the guest's ring is full");
        }
        HostRing.Packet p = emu.receive(timeout);
        if (p == null) {
            throw new IOException("no reply within " + timeout + " to a " + payload.length + "-byte message");
        }
        last = p;
        return p.payload();
    }

    /** Version negotiation; returns the reply. */
    public byte[] negotiate() throws IOException {
        return request(IcMessages.negotiate(FRAMEWORK, SERVICE));
    }

    /** Sends an fcopy message and returns its status. */
    public int status(byte[] message) throws IOException {
        return IcMessages.status(request(message));
    }

    /**
     * A whole copy as the host does it: START, WRITEs of 6144 bytes, COMPLETE; on a failing write,
     * CANCEL. Returns the first failing status, or COMPLETE's.
     */
    public int copy(String name, String dir, int flags, byte[] content) throws IOException {
        int s = status(IcMessages.start(name, dir, flags, content.length, nextTransaction()));
        if (s != 0) {
            return s;
        }
        for (int off = 0; off < content.length; off += IcMessages.DATA_FRAGMENT) {
            int len = Math.min(IcMessages.DATA_FRAGMENT, content.length - off);
            s = status(IcMessages.write(off, content, off, len, nextTransaction()));
            if (s != 0) {
                status(IcMessages.bare(IcMessages.FCOPY_CANCEL, nextTransaction()));
                return s;
            }
        }
        return status(IcMessages.bare(IcMessages.FCOPY_COMPLETE, nextTransaction()));
    }
}
