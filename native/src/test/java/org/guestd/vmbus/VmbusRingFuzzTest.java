// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target: a VMBus ring ({@link VmbusRing}) as the host may leave it: any data-area contents,
 * any write/read indices (out of range, unaligned, or valid), any descriptors (offset8, len8,
 * type, flags), any interrupt mask and pending-send size, in a heap buffer with guard bytes around
 * it (any access outside the ring is an IndexOutOfBoundsException, any write outside changes a
 * guard). Checks, against a model of the layout: a read returns exactly the packet the model
 * decodes (type, flags, xid, payload across the wrap) and moves only the read index, by the
 * packet's footprint; EMPTY, INCOMPLETE and CORRUPT are the model's verdicts and change nothing;
 * the reads end after at most {@code dataSize / 24} packets (no loop); {@code readable() + free()}
 * is the data area or both are -1; after CORRUPT {@link VmbusRing#skipAll()} empties a ring whose
 * write index is valid; {@link VmbusRing#write} on corrupt indices is CORRUPT and writes nothing.
 * Then, on a sane ring at any position, writes and reads interleaved: every packet written comes
 * back in order (payload padded with zeros to 8), FULL leaves the ring unchanged except the
 * pending-send size, and WRITTEN_SIGNAL comes exactly when the ring was empty and unmasked.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/vmbus/VmbusRingFuzzTestInputs/ring/};
 * long runs: {@code bin/fuzz VmbusRingFuzzTest [SECONDS]}.
 */
public class VmbusRingFuzzTest {
    static final int HEADER = 4096;
    static final int GUARD = 64;
    static final byte GUARD_BYTE = (byte) 0xA5;

    /** A ring's memory with guards: {@link #ring} is the slice the ring gets. */
    static final class Memory {
        final ByteBuffer all;
        final ByteBuffer ring;
        final int size;

        Memory(int size) {
            this.size = size;
            all = ByteBuffer.allocateDirect(size + 2 * GUARD); // direct: JDK 22+ has no atomic access to heap buffers
            for (int i = 0; i < all.capacity(); i++) {
                all.put(i, GUARD_BYTE);
            }
            ring = all.slice(GUARD, size).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < size; i++) {
                ring.put(i, (byte) 0);
            }
        }

        byte[] snapshot() {
            byte[] b = new byte[size];
            ring.get(0, b);
            return b;
        }

        void guardsIntact() {
            for (int i = 0; i < GUARD; i++) {
                assertEquals(GUARD_BYTE, all.get(i), "a write before the ring");
                assertEquals(GUARD_BYTE, all.get(GUARD + size + i), "a write after the ring");
            }
        }
    }

    /** The model's byte at data index {@code i} (wrapping). */
    static byte at(byte[] snap, int dataSize, long i) {
        return snap[HEADER + (int) (i % dataSize)];
    }

    static int u16(byte[] snap, int dataSize, long i) {
        return (at(snap, dataSize, i) & 0xff) | (at(snap, dataSize, i + 1) & 0xff) << 8;
    }

    static int u32(byte[] snap, int off) {
        return ByteBuffer.wrap(snap).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }

    /** Hostile ring: the reads against the model. */
    static void hostile(FuzzedDataProvider d) {
        int dataSize = 8 * d.consumeInt(4, 1024);
        int size = HEADER + dataSize + d.consumeInt(0, 7); // a tail that is not a whole 8 is not data
        Memory mem = new Memory(size);
        int w = d.consumeBoolean() ? 8 * d.consumeInt(0, dataSize / 8 - 1) : d.consumeInt();
        int r = d.consumeBoolean() ? 8 * d.consumeInt(0, dataSize / 8 - 1) : d.consumeInt();
        mem.ring.putInt(0, w).putInt(4, r).putInt(8, d.consumeInt()).putInt(12, d.consumeInt()).putInt(64, d.consumeInt());
        // descriptors the fuzzer shapes: a few at the read index onwards (written over the content below)
        List<byte[]> descs = new ArrayList<>();
        List<Long> where = new ArrayList<>();
        if (validIndex(r, dataSize) && d.consumeBoolean()) {
            long at = r;
            for (int k = d.consumeInt(1, 4); k > 0; k--) {
                int offset8 = d.consumeInt(0, 8);
                int len8 = d.consumeBoolean() ? d.consumeInt(0, 0xffff) : offset8 + d.consumeInt(0, 16);
                byte[] desc = new byte[16];
                ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN).putShort((short) d.consumeInt(0, 0xffff))
                        .putShort((short) offset8).putShort((short) len8).putShort((short) d.consumeInt(0, 0xffff))
                        .putLong(d.consumeLong());
                descs.add(desc);
                where.add(at);
                at += (long) (len8 & 0xffff) * 8 + 8;
            }
        }
        // the rest of the input is the data area's content (scalars first, so a short input still shapes them)
        byte[] content = d.consumeRemainingAsBytes();
        mem.ring.put(HEADER, content, 0, Math.min(content.length, dataSize));
        for (int k = 0; k < descs.size(); k++) {
            for (int i = 0; i < 16; i++) {
                mem.ring.put(HEADER + (int) ((where.get(k) + i) % dataSize), descs.get(k)[i]);
            }
        }
        VmbusRing ring = new VmbusRing(mem.ring, HEADER);
        assertEquals(dataSize, ring.dataSize());
        int readable = ring.readable();
        int free = ring.free();
        assertTrue(readable == -1 && free == -1 || readable >= 0 && readable < dataSize && readable + free == dataSize);
        int maxPackets = dataSize / 24;
        for (int n = 0; ; n++) {
            byte[] before = mem.snapshot();
            Object got = ring.read();
            mem.guardsIntact();
            byte[] after = mem.snapshot();
            Object expected = model(before, dataSize);
            if (expected instanceof VmbusRing.Status s) {
                assertSame(s, got, ring.lastProblem());
                assertArrayEquals(before, after, s + " changed the ring");
                if (s == VmbusRing.Status.CORRUPT) {
                    int wi = u32(before, 0);
                    ring.skipAll();
                    if (validIndex(wi, dataSize)) {
                        assertEquals(wi, ring.readIndex());
                        assertSame(VmbusRing.Status.EMPTY, ring.read());
                    } else {
                        assertArrayEquals(before, mem.snapshot(), "skipAll on a bad write index changed the ring");
                        byte[] b2 = mem.snapshot();
                        assertSame(VmbusRing.WriteResult.CORRUPT, ring.write(new VmbusPacket(6, 0, 1, new byte[0])));
                        assertArrayEquals(b2, mem.snapshot(), "a write to a corrupt ring changed it");
                    }
                }
                return;
            }
            Model m = (Model) expected;
            assertTrue(got instanceof VmbusPacket, "expected a packet, got " + got + " (" + ring.lastProblem() + ")");
            VmbusPacket p = (VmbusPacket) got;
            assertEquals(m.type, p.type());
            assertEquals(m.flags, p.flags());
            assertEquals(m.xid, p.transactionId());
            assertArrayEquals(m.payload, p.payload());
            byte[] expectAfter = before.clone();
            ByteBuffer.wrap(expectAfter).order(ByteOrder.LITTLE_ENDIAN).putInt(4, m.nextRead);
            assertArrayEquals(expectAfter, after, "a read changed more than the read index");
            assertTrue(n < maxPackets, "more packets than the data area holds");
        }
    }

    record Model(int type, int flags, long xid, byte[] payload, int nextRead) {}

    static boolean validIndex(int i, int dataSize) {
        return i >= 0 && i < dataSize && i % 8 == 0;
    }

    /** What the layout says the next read is. */
    static Object model(byte[] snap, int dataSize) {
        int w = u32(snap, 0);
        int r = u32(snap, 4);
        if (!validIndex(w, dataSize) || !validIndex(r, dataSize)) {
            return VmbusRing.Status.CORRUPT;
        }
        int avail = Math.floorMod(w - r, dataSize);
        if (avail == 0) {
            return VmbusRing.Status.EMPTY;
        }
        if (avail < 24) {
            return VmbusRing.Status.INCOMPLETE;
        }
        int type = u16(snap, dataSize, r);
        int offset8 = u16(snap, dataSize, r + 2);
        int len8 = u16(snap, dataSize, r + 4);
        int flags = u16(snap, dataSize, r + 6);
        long xid = 0;
        for (int i = 7; i >= 0; i--) {
            xid = xid << 8 | (at(snap, dataSize, r + 8 + i) & 0xff);
        }
        long total = len8 * 8L + 8;
        if (offset8 < 2 || offset8 > len8 || total > dataSize - 8) {
            return VmbusRing.Status.CORRUPT;
        }
        if (total > avail) {
            return VmbusRing.Status.INCOMPLETE;
        }
        byte[] payload = new byte[(len8 - offset8) * 8];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = at(snap, dataSize, r + offset8 * 8L + i);
        }
        return new Model(type, flags, xid, payload, (int) ((r + total) % dataSize));
    }

    /** A sane ring: interleaved writes and reads against a FIFO. */
    static void roundTrip(FuzzedDataProvider d) {
        int dataSize = 8 * d.consumeInt(4, 512);
        Memory mem = new Memory(HEADER + dataSize);
        int start = 8 * d.consumeInt(0, dataSize / 8 - 1);
        int mask = d.consumeBoolean() ? 0 : 1;
        mem.ring.putInt(0, start).putInt(4, start).putInt(8, mask);
        VmbusRing ring = new VmbusRing(mem.ring, HEADER);
        ArrayDeque<VmbusPacket> fifo = new ArrayDeque<>();
        for (int n = d.consumeInt(0, 64); n > 0 && d.remainingBytes() > 0; n--) {
            if (d.consumeBoolean()) {
                byte[] payload = d.consumeBytes(d.consumeInt(0, Math.min(dataSize, 600)));
                VmbusPacket p = new VmbusPacket(d.consumeInt(0, 0xffff), d.consumeInt(0, 0xffff), d.consumeLong(), payload);
                int need = VmbusRing.footprint(payload.length);
                if (need > dataSize - 8) {
                    assertThrows(IllegalArgumentException.class, () -> ring.write(p));
                    continue;
                }
                boolean wasEmpty = ring.readable() == 0;
                byte[] before = mem.snapshot();
                VmbusRing.WriteResult res = ring.write(p);
                mem.guardsIntact();
                switch (res) {
                    case FULL -> {
                        assertTrue(ring.free() <= need, "FULL with " + ring.free() + " free for " + need);
                        byte[] after = mem.snapshot();
                        ByteBuffer.wrap(before).order(ByteOrder.LITTLE_ENDIAN).putInt(12, need);
                        assertArrayEquals(before, after, "FULL changed more than pending_send_sz");
                    }
                    case WRITTEN, WRITTEN_SIGNAL -> {
                        fifo.add(p);
                        assertEquals(wasEmpty && mask == 0, res == VmbusRing.WriteResult.WRITTEN_SIGNAL);
                        assertEquals(0, ring.pendingSendSize());
                    }
                    default -> fail("a write to a sane ring: " + res);
                }
            } else {
                Object got = ring.read();
                mem.guardsIntact();
                VmbusPacket want = fifo.poll();
                if (want == null) {
                    assertSame(VmbusRing.Status.EMPTY, got);
                    continue;
                }
                assertTrue(got instanceof VmbusPacket, "read " + got + ": " + ring.lastProblem());
                VmbusPacket p = (VmbusPacket) got;
                assertEquals(want.type(), p.type());
                assertEquals(want.flags(), p.flags());
                assertEquals(want.transactionId(), p.transactionId());
                byte[] padded = Arrays.copyOf(want.payload(), (want.payload().length + 7) & ~7);
                assertArrayEquals(padded, p.payload());
                ring.writerWantsSignal();
            }
            int rd = ring.readable();
            assertTrue(rd >= 0 && rd + ring.free() == dataSize);
        }
        // what is left comes out in order, then EMPTY
        for (VmbusPacket want; (want = fifo.poll()) != null; ) {
            Object got = ring.read();
            assertNotNull(got);
            assertTrue(got instanceof VmbusPacket p && p.transactionId() == want.transactionId(), "lost " + want);
        }
        assertSame(VmbusRing.Status.EMPTY, ring.read());
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        if (d.consumeBoolean()) {
            hostile(d);
        } else {
            roundTrip(d);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void ring(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
