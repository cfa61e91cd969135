// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One direction of a VMBus channel's shared ring ({@code struct hv_ring_buffer}) as the guest uses
 * it: the header page (write index at 0, read index at 4, interrupt mask at 8, pending-send size
 * at 12, feature bits at 64; all little-endian u32), then the data area, a circle of
 * {@code ring size - header} bytes. Indices are byte offsets into the data area.
 *
 * <p>A packet in the data area: the 16-byte descriptor (u16 type, u16 offset8, u16 len8, u16 flags,
 * u64 transaction id), the payload from {@code offset8 * 8}, zero padding to {@code len8 * 8}
 * (a multiple of 8), then an 8-byte trailer (the writer's old write index in the upper 32 bits).
 * Everything wraps around the end of the data area.
 *
 * <p>Memory ordering: the other end is another CPU (the host). Data is written before the write
 * index is published with release semantics and read after the write index is loaded with acquire
 * semantics; the read index is released after the data was copied out. Decisions that read the
 * other side's field after storing our own (signal? re-check after unmasking?) are preceded by a
 * full fence ({@link VarHandle#fullFence()}), as the kernel's {@code virt_mb()}.
 *
 * <p>One thread at a time per ring (the channel's event loop). A ring never trusts the other side:
 * indices outside the data area or not 8-aligned, and descriptors whose lengths make no sense, are
 * reported, not followed.
 */
public final class VmbusRing {
    static final int OFF_WRITE_INDEX = 0;
    static final int OFF_READ_INDEX = 4;
    static final int OFF_INTERRUPT_MASK = 8;
    static final int OFF_PENDING_SEND = 12;
    static final int OFF_FEATURE_BITS = 64;
    /** Descriptor size; the minimum {@code offset8} is this / 8. */
    public static final int DESCRIPTOR = 16;
    /** The trailer after every packet. */
    public static final int TRAILER = 8;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer ring; // little-endian, position 0 = header start
    private final int header;
    private final int dataSize;

    /** The outcome of {@link #read()} when no packet came out. */
    public enum Status {
        /** Nothing to read. */
        EMPTY,
        /** Data is there but not a whole packet (the writer published a write index mid-packet). */
        INCOMPLETE,
        /** The indices or the descriptor make no sense; see {@link VmbusRing#lastProblem()}. */
        CORRUPT
    }

    private String lastProblem = "";
    private int readSinceCheck;

    /**
     * @param ring the ring's memory: header then data; its position 0 is the header's first byte
     * @param header the header size (the page size: 4096 on x86_64)
     */
    public VmbusRing(ByteBuffer ring, int header) {
        this.ring = ring.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (header < 4096 || header % 8 != 0 || this.ring.capacity() <= header + DESCRIPTOR + TRAILER) {
            throw new IllegalArgumentException("ring of " + this.ring.capacity() + " bytes with a " + header
                    + "-byte header");
        }
        this.header = header;
        int data = this.ring.capacity() - header;
        this.dataSize = data - data % 8;
    }

    /** The data area's size in bytes. */
    public int dataSize() {
        return dataSize;
    }

    public int writeIndex() {
        return (int) INT.getAcquire(ring, OFF_WRITE_INDEX);
    }

    public int readIndex() {
        return (int) INT.getAcquire(ring, OFF_READ_INDEX);
    }

    public int interruptMask() {
        return (int) INT.getVolatile(ring, OFF_INTERRUPT_MASK);
    }

    public void setInterruptMask(int value) {
        INT.setVolatile(ring, OFF_INTERRUPT_MASK, value);
    }

    public int pendingSendSize() {
        return (int) INT.getVolatile(ring, OFF_PENDING_SEND);
    }

    public int featureBits() {
        return (int) INT.getVolatile(ring, OFF_FEATURE_BITS);
    }

    /** What the last CORRUPT or INCOMPLETE was about (for the log). */
    public String lastProblem() {
        return lastProblem;
    }

    private boolean validIndex(int i) {
        return i >= 0 && i < dataSize && (i & 7) == 0;
    }

    /** Bytes between the read and the write index, or -1 when an index is out of range. */
    public int readable() {
        int w = writeIndex();
        int r = readIndex();
        if (!validIndex(w) || !validIndex(r)) {
            return -1;
        }
        return w >= r ? w - r : dataSize - r + w;
    }

    // ---- reading (the host -> guest ring)

    /**
     * The next packet, or a {@link Status} when there is none. Consumes the packet (the read index
     * moves past its trailer); leaves the ring untouched otherwise.
     */
    public Object read() {
        int w = writeIndex();
        int r = (int) INT.getVolatile(ring, OFF_READ_INDEX);
        if (!validIndex(w) || !validIndex(r)) {
            lastProblem = "indices out of range or unaligned: write " + Integer.toUnsignedString(w) + ", read "
                    + Integer.toUnsignedString(r) + ", data area " + dataSize;
            return Status.CORRUPT;
        }
        int avail = w >= r ? w - r : dataSize - r + w;
        if (avail == 0) {
            return Status.EMPTY;
        }
        if (avail < DESCRIPTOR + TRAILER) {
            lastProblem = avail + " bytes readable, less than a descriptor and trailer";
            return Status.INCOMPLETE;
        }
        byte[] d = new byte[DESCRIPTOR];
        copyOut(r, d, 0, DESCRIPTOR);
        ByteBuffer desc = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int type = desc.getShort(0) & 0xffff;
        int offset8 = desc.getShort(2) & 0xffff;
        int len8 = desc.getShort(4) & 0xffff;
        int flags = desc.getShort(6) & 0xffff;
        long xid = desc.getLong(8);
        long total = (long) len8 * 8 + TRAILER;
        if (offset8 * 8 < DESCRIPTOR || offset8 > len8 || total > dataSize - 8L) {
            lastProblem = "descriptor with offset8 " + offset8 + ", len8 " + len8 + " (data area " + dataSize + ")";
            return Status.CORRUPT;
        }
        if (total > avail) {
            lastProblem = "a " + total + "-byte packet with " + avail + " bytes readable";
            return Status.INCOMPLETE;
        }
        byte[] payload = new byte[(len8 - offset8) * 8];
        copyOut(wrap(r + offset8 * 8), payload, 0, payload.length);
        INT.setRelease(ring, OFF_READ_INDEX, wrap(r + (int) total)); // after the copy
        readSinceCheck += (int) total;
        return new VmbusPacket(type, flags, xid, payload);
    }

    /** Drops everything readable (after corruption): the read index jumps to the write index. */
    public void skipAll() {
        int w = writeIndex();
        if (validIndex(w)) {
            INT.setRelease(ring, OFF_READ_INDEX, w);
        }
    }

    /**
     * Whether the writer asked to be signalled once space frees (it set {@code pending_send_sz}) and
     * the packets read since the last call moved the free space from at most that size to more
     * than it: the kernel's rule, with "before" computed as now minus what we read (a writer that
     * filled the ring meanwhile is still seen as waiting).
     */
    public boolean writerWantsSignal() {
        int read = readSinceCheck;
        readSinceCheck = 0;
        if (read == 0) {
            return false;
        }
        VarHandle.fullFence(); // our read index is out before we look at the writer's request
        int pending = pendingSendSize();
        if (pending == 0) {
            return false;
        }
        int now = free();
        return now >= 0 && now - read <= pending && now > pending;
    }

    /** Free bytes as the writer sees them, or -1 when an index is out of range. */
    public int free() {
        int used = readable();
        return used < 0 ? -1 : dataSize - used;
    }

    // ---- writing (the guest -> host ring)

    /** The outcome of {@link #write}. */
    public enum WriteResult {
        /** Written; the reader has been interrupted before (ring was not empty) or masks interrupts. */
        WRITTEN,
        /** Written, and the reader should be signalled (the ring was empty and its mask is 0). */
        WRITTEN_SIGNAL,
        /** No room; {@code pending_send_sz} is set so the reader signals when there is. */
        FULL,
        /** The indices are corrupt; nothing written. */
        CORRUPT
    }

    /** Bytes a packet with this payload takes in the ring, trailer included. */
    public static int footprint(int payloadLength) {
        return DESCRIPTOR + align8(payloadLength) + TRAILER;
    }

    static int align8(int n) {
        return (n + 7) & ~7;
    }

    /**
     * Writes {@code p} as one packet: descriptor (offset8 = 2), payload, zero padding to 8, the
     * trailer, then publishes the write index. Refuses (FULL) when the packet would not leave at
     * least one byte free, as the kernel does.
     */
    public WriteResult write(VmbusPacket p) {
        int need = footprint(p.payload().length);
        if (need > dataSize - 8 || align8(p.payload().length) / 8 + 2 > 0xffff) {
            throw new IllegalArgumentException("a " + p.payload().length + "-byte payload never fits this ring");
        }
        int w = (int) INT.getVolatile(ring, OFF_WRITE_INDEX);
        int free = free();
        if (free < 0 || !validIndex(w)) {
            lastProblem = "indices out of range or unaligned";
            return WriteResult.CORRUPT;
        }
        if (free <= need) {
            INT.setVolatile(ring, OFF_PENDING_SEND, need);
            VarHandle.fullFence(); // the request is visible before we look again
            free = free();
            if (free <= need) {
                return WriteResult.FULL;
            }
        }
        if (pendingSendSize() != 0) {
            INT.setVolatile(ring, OFF_PENDING_SEND, 0);
        }
        byte[] d = new byte[DESCRIPTOR];
        ByteBuffer desc = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int len8 = (DESCRIPTOR + align8(p.payload().length)) / 8;
        desc.putShort(0, (short) p.type()).putShort(2, (short) (DESCRIPTOR / 8)).putShort(4, (short) len8)
                .putShort(6, (short) p.flags()).putLong(8, p.transactionId());
        int at = copyIn(w, d, 0, DESCRIPTOR);
        at = copyIn(at, p.payload(), 0, p.payload().length);
        int pad = align8(p.payload().length) - p.payload().length;
        at = copyIn(at, new byte[pad], 0, pad);
        byte[] trailer = new byte[TRAILER];
        ByteBuffer.wrap(trailer).order(ByteOrder.LITTLE_ENDIAN).putLong(0, (long) w << 32);
        at = copyIn(at, trailer, 0, TRAILER);
        int oldWrite = w;
        INT.setRelease(ring, OFF_WRITE_INDEX, at); // data first, then the index
        VarHandle.fullFence(); // the new index is out before we read the reader's mask and index
        if (interruptMask() != 0) {
            return WriteResult.WRITTEN;
        }
        return readIndex() == oldWrite ? WriteResult.WRITTEN_SIGNAL : WriteResult.WRITTEN;
    }

    // ---- wrap-around copies

    private int wrap(int i) {
        return i >= dataSize ? i - dataSize : i;
    }

    private void copyOut(int index, byte[] dst, int off, int len) {
        int first = Math.min(len, dataSize - index);
        ring.get(header + index, dst, off, first);
        if (first < len) {
            ring.get(header, dst, off + first, len - first);
        }
    }

    /** Copies in at {@code index}; returns the index after the copy. */
    private int copyIn(int index, byte[] src, int off, int len) {
        int first = Math.min(len, dataSize - index);
        ring.put(header + index, src, off, first);
        if (first < len) {
            ring.put(header, src, off + first, len - first);
        }
        return (index + len) % dataSize;
    }
}
