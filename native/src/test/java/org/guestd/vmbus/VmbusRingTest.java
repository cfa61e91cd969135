// SPDX-License-Identifier: Apache-2.0
package org.guestd.vmbus;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Random;
import org.guestd.jna.linux.KernelEvents;
import org.guestd.jna.linux.SharedMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ring layout on real shared memory (a memfd mapped twice: a writer's view and a reader's). */
class VmbusRingTest {
    static final int PAGE = SharedMemory.pageSize();
    static final int RING = PAGE + 16 * 1024;

    int fd;
    SharedMemory.Mapping writerMap;
    SharedMemory.Mapping readerMap;
    VmbusRing writer;
    VmbusRing reader;
    ByteBuffer raw;

    @BeforeEach
    void map() throws Exception {
        fd = SharedMemory.memfd("ring-test", RING);
        writerMap = SharedMemory.map(fd, RING, 0);
        readerMap = SharedMemory.map(fd, RING, 0);
        writer = new VmbusRing(writerMap.buffer(), PAGE);
        reader = new VmbusRing(readerMap.buffer(), PAGE);
        raw = writerMap.buffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @AfterEach
    void unmap() {
        writerMap.close();
        readerMap.close();
        KernelEvents.closeQuietly(fd);
    }

    static VmbusPacket packet(long xid, int len, int seed) {
        byte[] p = new byte[len];
        new Random(seed).nextBytes(p);
        return new VmbusPacket(VmbusPacket.TYPE_INBAND, 0, xid, p);
    }

    @Test
    void packetsSurviveWrapAroundWithTheirLengthsPaddedTo8() {
        assertEquals(16 * 1024, writer.dataSize());
        Random rnd = new Random(7);
        ArrayDeque<VmbusPacket> sent = new ArrayDeque<>();
        int wraps = 0;
        int lastWrite = 0;
        for (int i = 0; i < 2000; i++) {
            VmbusPacket p = packet(0xF000_0000_0000_0000L + i, 1 + rnd.nextInt(3000), i);
            VmbusRing.WriteResult r = writer.write(p);
            if (r == VmbusRing.WriteResult.FULL) {
                VmbusPacket got = (VmbusPacket) reader.read();
                assertSame(got, got);
                check(sent.poll(), got);
                i--;
                continue;
            }
            assertNotEquals(VmbusRing.WriteResult.CORRUPT, r);
            sent.add(p);
            if (writer.writeIndex() < lastWrite) {
                wraps++;
            }
            lastWrite = writer.writeIndex();
            assertEquals(0, writer.writeIndex() % 8, "indices stay 8-aligned");
            if (rnd.nextInt(3) == 0) {
                check(sent.poll(), (VmbusPacket) reader.read());
            }
        }
        while (!sent.isEmpty()) {
            check(sent.poll(), (VmbusPacket) reader.read());
        }
        assertEquals(VmbusRing.Status.EMPTY, reader.read());
        assertTrue(wraps > 50, "the data area wrapped " + wraps + " times");
    }

    private static void check(VmbusPacket sent, VmbusPacket got) {
        assertEquals(sent.transactionId(), got.transactionId());
        assertEquals(VmbusPacket.TYPE_INBAND, got.type());
        int padded = (sent.payload().length + 7) & ~7;
        assertEquals(padded, got.payload().length, "payload comes back padded to 8");
        for (int i = 0; i < padded; i++) {
            assertEquals(i < sent.payload().length ? sent.payload()[i] : 0, got.payload()[i], "byte " + i);
        }
    }

    @Test
    void descriptorAndTrailerAreTheKernelLayout() {
        raw.putInt(0, 24).putInt(4, 24); // start mid-ring
        writer.write(new VmbusPacket(6, 0, 0x1122334455667788L, new byte[] {1, 2, 3}));
        int d = PAGE + 24;
        assertEquals(6, raw.getShort(d));
        assertEquals(2, raw.getShort(d + 2), "offset8: the 16-byte descriptor");
        assertEquals(3, raw.getShort(d + 4), "len8: 16 + 3 padded to 24");
        assertEquals(0x1122334455667788L, raw.getLong(d + 8));
        assertEquals(1, raw.get(d + 16));
        assertEquals(0, raw.get(d + 19), "zero padding");
        assertEquals(24L << 32, raw.getLong(d + 24), "trailer: the old write index in the upper half");
        assertEquals(24 + 32, writer.writeIndex());
    }

    @Test
    void signalOnlyWhenTheRingWasEmptyAndTheReaderListens() {
        assertEquals(VmbusRing.WriteResult.WRITTEN_SIGNAL, writer.write(packet(1, 10, 1)));
        assertEquals(VmbusRing.WriteResult.WRITTEN, writer.write(packet(2, 10, 2)), "not empty: already signalled");
        reader.read();
        reader.read();
        raw.putInt(8, 1); // the reader masks its interrupt
        assertEquals(VmbusRing.WriteResult.WRITTEN, writer.write(packet(3, 10, 3)));
    }

    @Test
    void aFullRingAsksForRoomAndNeverOverwrites() {
        int n = 0;
        while (writer.write(packet(n, 1000, n)) != VmbusRing.WriteResult.FULL) {
            n++;
        }
        int need = VmbusRing.footprint(1000);
        assertEquals(need, raw.getInt(12), "pending_send_sz names the room needed");
        assertTrue(writer.free() <= need);
        VmbusPacket first = (VmbusPacket) reader.read();
        assertEquals(0, first.transactionId(), "the oldest packet is intact");
        assertTrue(reader.writerWantsSignal(), "reading freed the room the writer asked for");
        assertFalse(reader.writerWantsSignal(), "once");
        assertNotEquals(VmbusRing.WriteResult.FULL, writer.write(packet(99, 1000, 99)));
        assertEquals(0, raw.getInt(12), "pending_send_sz cleared once written");
        for (int i = 1; i < n; i++) {
            assertEquals(i, ((VmbusPacket) reader.read()).transactionId());
        }
        assertEquals(99, ((VmbusPacket) reader.read()).transactionId());
    }

    @Test
    void aPacketPublishedHalfwayWaits() {
        writer.write(packet(5, 200, 5));
        int full = writer.writeIndex();
        raw.putInt(0, full / 2 / 8 * 8);
        assertEquals(VmbusRing.Status.INCOMPLETE, reader.read());
        assertEquals(0, reader.readIndex(), "nothing consumed");
        raw.putInt(0, full);
        assertEquals(5, ((VmbusPacket) reader.read()).transactionId());
    }

    @Test
    void nonsenseIsReportedNotFollowed() {
        raw.putInt(0, writer.dataSize() + 8);
        assertEquals(VmbusRing.Status.CORRUPT, reader.read());
        raw.putInt(0, 12); // unaligned
        assertEquals(VmbusRing.Status.CORRUPT, reader.read());
        raw.putInt(0, 0);
        // offset8 beyond len8
        raw.putShort(PAGE, (short) 6).putShort(PAGE + 2, (short) 9).putShort(PAGE + 4, (short) 3);
        raw.putInt(0, 32);
        assertEquals(VmbusRing.Status.CORRUPT, reader.read());
        assertTrue(reader.lastProblem().contains("offset8 9"), reader.lastProblem());
        // len8 larger than the ring
        raw.putShort(PAGE + 2, (short) 2).putShort(PAGE + 4, (short) 0xffff);
        assertEquals(VmbusRing.Status.CORRUPT, reader.read());
        reader.skipAll();
        assertEquals(VmbusRing.Status.EMPTY, reader.read());
        assertEquals(VmbusRing.WriteResult.CORRUPT, new VmbusRing(withIndices(writer.dataSize() + 8), PAGE)
                .write(packet(1, 8, 1)));
    }

    private ByteBuffer withIndices(int write) {
        raw.putInt(0, write);
        return writerMap.buffer();
    }
}
