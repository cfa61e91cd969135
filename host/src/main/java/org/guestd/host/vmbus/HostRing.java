// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.vmbus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One ring of a VMBus channel seen from the host: it writes packets into the host-to-guest ring
 * and reads the guest's packets from the guest-to-host ring. Layout (this module's own copy of it,
 * so it stays an outsider to the code under test): a header page (write index 0, read index 4,
 * interrupt mask 8, pending-send size 12, feature bits 64), then the data circle; a packet is a
 * 16-byte descriptor (type, offset8, len8, flags: u16; transaction id: u64), the payload, zero
 * padding to 8, and an 8-byte trailer holding the old write index in its upper half.
 */
public final class HostRing {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer mem;
    private final int header;
    private final int data;

    HostRing(ByteBuffer mem, int header) {
        this.mem = mem.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.header = header;
        this.data = this.mem.capacity() - header;
    }

    public int dataSize() {
        return data;
    }

    public int writeIndex() {
        return (int) INT.getAcquire(mem, 0);
    }

    public int readIndex() {
        return (int) INT.getAcquire(mem, 4);
    }

    public int interruptMask() {
        return (int) INT.getVolatile(mem, 8);
    }

    public void setInterruptMask(int v) {
        INT.setVolatile(mem, 8, v);
    }

    public int pendingSend() {
        return (int) INT.getVolatile(mem, 12);
    }

    public void setFeatureBits(int v) {
        INT.setVolatile(mem, 64, v);
    }

    /** Sets the raw indices (fault injection). */
    public void setIndices(int write, int read) {
        INT.setRelease(mem, 0, write);
        INT.setRelease(mem, 4, read);
    }

    public int used() {
        int w = writeIndex();
        int r = readIndex();
        return w >= r ? w - r : data - r + w;
    }

    public int free() {
        return data - used();
    }

    /** A packet as a writer would lay it out: descriptor, payload, padding, trailer. */
    public static byte[] frame(int type, int offset8, int len8, int flags, long xid, byte[] payload, int oldWrite) {
        int body = len8 * 8;
        byte[] f = new byte[Math.max(body, 16 + payload.length) + 8];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) type).putShort(2, (short) offset8).putShort(4, (short) len8).putShort(6, (short) flags)
                .putLong(8, xid);
        System.arraycopy(payload, 0, f, Math.min(offset8 * 8, f.length - payload.length - 8), payload.length);
        b.putLong(f.length - 8, (long) oldWrite << 32);
        return f;
    }

    /** An ordinary in-band packet's frame. */
    public static byte[] inband(long xid, byte[] payload, int oldWrite) {
        int len8 = (16 + payload.length + 7) / 8;
        return frame(6, 2, len8, 0, xid, payload, oldWrite);
    }

    /**
     * Copies {@code frame} in at the write index and publishes {@code publish} of its bytes (all of
     * them normally; fewer for a torn packet).
     *
     * @return false when the ring has no room (one byte always stays free)
     */
    public boolean put(byte[] frame, int publish) {
        if (frame.length >= free()) {
            return false;
        }
        int w = writeIndex();
        int first = Math.min(frame.length, data - w);
        mem.put(header + w, frame, 0, first);
        mem.put(header, frame, first, frame.length - first);
        INT.setRelease(mem, 0, (w + publish) % data);
        VarHandle.fullFence();
        return true;
    }

    /** Publishes {@code more} bytes already copied in (the rest of a torn packet). */
    public void publishMore(int more) {
        INT.setRelease(mem, 0, (writeIndex() + more) % data);
        VarHandle.fullFence();
    }

    /** A packet read from the guest's ring. */
    public record Packet(int type, int offset8, int len8, int flags, long xid, byte[] payload, long trailer) {}

    /** The next packet, or null when the ring is empty; throws on a malformed one. */
    public Packet take() {
        int w = writeIndex();
        int r = readIndex();
        if (w == r) {
            return null;
        }
        ByteBuffer d = ByteBuffer.wrap(copy(r, 16)).order(ByteOrder.LITTLE_ENDIAN);
        int offset8 = d.getShort(2) & 0xffff;
        int len8 = d.getShort(4) & 0xffff;
        if (offset8 < 2 || offset8 > len8 || len8 * 8 + 8 > used()) {
            throw new IllegalStateException("malformed guest packet: offset8 " + offset8 + " len8 " + len8
                    + " used " + used());
        }
        byte[] payload = copy((r + offset8 * 8) % data, (len8 - offset8) * 8);
        long trailer = ByteBuffer.wrap(copy((r + len8 * 8) % data, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        INT.setRelease(mem, 4, (r + len8 * 8 + 8) % data);
        VarHandle.fullFence();
        return new Packet(d.getShort(0) & 0xffff, offset8, len8, d.getShort(6) & 0xffff, d.getLong(8), payload, trailer);
    }

    private byte[] copy(int from, int len) {
        byte[] out = new byte[len];
        int first = Math.min(len, data - from);
        mem.get(header + from, out, 0, first);
        mem.get(header, out, first, len - first);
        return out;
    }
}
