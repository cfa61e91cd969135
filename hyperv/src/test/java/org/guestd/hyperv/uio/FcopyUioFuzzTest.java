// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.guestd.hyperv.HvStatus;
import org.guestd.vmbus.VmbusChannel;
import org.guestd.vmbus.VmbusPacket;

/**
 * Fuzz target: the IC framing and the file-copy service on the UIO VMBus channel ({@link
 * FcopyUioHandler}, {@link IcMessage}, {@link IcNegotiation}, {@link Utf16Name}) fed any packets:
 * any packet type, payload lengths from 0 up, IC headers of any type, negotiations with any counts
 * and version lists, START/WRITE/COMPLETE/CANCEL/unknown operations with any names (UTF-16 of any
 * code units), flags, offsets and sizes, onto a recording file receiver whose results the fuzzer
 * picks. Checks, against a model of the layout: every packet gets exactly one answer, none for a
 * non-in-band or header-less packet; a reply is the request's own bytes, same length, with only the
 * status, icflags = TRANSACTION|RESPONSE and (for NEGOTIATE) icmsgsize and the negotiate body
 * changed; NEGOTIATE succeeds exactly when the host's valid lists hold framework 3.0 and service
 * 1.1; the receiver is called only as the message says (START with names the model decodes as
 * strict UTF-16 up to the NUL, WRITE with exactly the announced bytes, never more than 6144 nor past
 * the message), and statuses follow its results; closing the channel aborts the copy.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/hyperv/uio/FcopyUioFuzzTestInputs/packets/};
 * long runs: {@code bin/fuzz FcopyUioFuzzTest [SECONDS]}.
 */
public class FcopyUioFuzzTest {
    static final int B = IcMessage.HEADER;

    /** Records the calls; answers with results the fuzzer chose. */
    static final class Receiver implements FileReceiver {
        final List<String> calls = new ArrayList<>();
        Result next = Result.OK;
        boolean receiving;
        byte[] lastWrite;

        @Override
        public Result start(String dir, String name, boolean overwrite, boolean createPath, long size) {
            calls.add("start " + dir + "|" + name + "|" + overwrite + "|" + createPath + "|" + size);
            receiving = next == Result.OK;
            return next;
        }

        @Override
        public Result write(long offset, ByteBuffer data) {
            lastWrite = new byte[data.remaining()];
            data.get(lastWrite);
            calls.add("write " + offset + "|" + lastWrite.length);
            return next;
        }

        @Override
        public Result complete() {
            calls.add("complete");
            receiving = false;
            return next;
        }

        @Override
        public Result cancel() {
            calls.add("cancel");
            receiving = false;
            return Result.OK;
        }

        @Override
        public boolean receiving() {
            return receiving;
        }

        @Override
        public void abort() {
            calls.add("abort");
            receiving = false;
        }
    }

    /** Records the channel's answers. */
    static final class Replies implements VmbusChannel.Replies {
        final List<Object[]> answers = new ArrayList<>();

        @Override
        public void reply(VmbusPacket request, byte[] payload) {
            answers.add(new Object[] {request, payload});
        }

        @Override
        public void none(VmbusPacket request) {
            answers.add(new Object[] {request, null});
        }
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The model's strict decoding of a name field: the units before the first NUL, or null. */
    static String name(byte[] m, int off) {
        for (int i = 0; i < FcopyUioHandler.NAME_UNITS; i++) {
            if (u16(m, off + 2 * i) == 0) {
                if (i == 0) {
                    return null;
                }
                try {
                    return StandardCharsets.UTF_16LE.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(m, off, 2 * i)).toString();
                } catch (CharacterCodingException e) {
                    return null;
                }
            }
        }
        return null;
    }

    static int status(FileReceiver.Result r) {
        return switch (r) {
            case OK -> HvStatus.S_OK;
            case EXISTS -> HvStatus.ERROR_ALREADY_EXISTS;
            case NO_SPACE -> HvStatus.ERROR_DISK_FULL;
            case FAILED -> HvStatus.E_FAIL;
        };
    }

    static void putName(FuzzedDataProvider d, byte[] m, int off) {
        int units = d.consumeInt(0, FcopyUioHandler.NAME_UNITS);
        for (int i = 0; i < units; i++) {
            int c = d.consumeInt(0, 9) == 0 ? d.consumeInt(0, 0xffff) : d.consumeInt('-', 'z');
            m[off + 2 * i] = (byte) c;
            m[off + 2 * i + 1] = (byte) (c >>> 8);
        }
    }

    /** A packet: mostly well-framed IC messages the fuzzer shapes, sometimes anything. */
    static VmbusPacket packet(FuzzedDataProvider d) {
        int type = d.consumeInt(0, 15) == 0 ? d.consumeInt(0, 0xffff) : VmbusPacket.TYPE_INBAND;
        byte[] m;
        int icType;
        switch (d.consumeInt(0, 7)) {
            case 0 -> {
                m = d.consumeBytes(d.consumeInt(0, 80));
                icType = d.consumeInt(0, 0xffff);
            }
            case 1, 2 -> { // NEGOTIATE
                icType = IcMessage.TYPE_NEGOTIATE;
                int fw = d.consumeInt(0, 6);
                int srv = d.consumeInt(0, 6);
                m = new byte[Math.max(0, B + 8 + 4 * (fw + srv) + d.consumeInt(-12, 8))];
                if (m.length >= B + 4) {
                    le(m).putShort(B, (short) (d.consumeInt(0, 15) == 0 ? d.consumeInt(0, 0xffff) : fw))
                            .putShort(B + 2, (short) srv);
                }
                for (int i = 0; i < fw + srv && B + 8 + 4 * i + 4 <= m.length; i++) {
                    boolean ours = d.consumeBoolean();
                    le(m).putShort(B + 8 + 4 * i, (short) (ours ? (i < fw ? 3 : 1) : d.consumeInt(0, 5)))
                            .putShort(B + 8 + 4 * i + 2, (short) (ours ? (i < fw ? 0 : 1) : d.consumeInt(0, 2)));
                }
            }
            default -> { // FCOPY
                icType = IcMessage.TYPE_FCOPY;
                int op = d.consumeInt(0, 9);
                int len = switch (op) {
                    case 0 -> d.consumeBoolean() ? FcopyUioHandler.START_END + d.consumeInt(0, 16) : d.consumeInt(0, 1200);
                    case 1 -> FcopyUioHandler.OFF_WRITE_DATA + d.consumeInt(-60, 6200);
                    default -> d.consumeInt(0, 100);
                };
                m = new byte[Math.max(0, len)];
                if (m.length >= B + 4) {
                    le(m).putInt(B, op > 4 ? d.consumeInt() : op);
                }
                if (op == 0 && m.length >= FcopyUioHandler.START_END) {
                    putName(d, m, FcopyUioHandler.OFF_FILE_NAME);
                    putName(d, m, FcopyUioHandler.OFF_PATH_NAME);
                    le(m).putInt(FcopyUioHandler.OFF_COPY_FLAGS, d.consumeInt(0, 7))
                            .putLong(FcopyUioHandler.OFF_FILE_SIZE, d.consumeLong());
                } else if (op == 1 && m.length >= FcopyUioHandler.OFF_WRITE_DATA) {
                    int size = d.consumeBoolean() ? m.length - FcopyUioHandler.OFF_WRITE_DATA + d.consumeInt(-8, 8) : d.consumeInt();
                    le(m).putLong(FcopyUioHandler.OFF_WRITE_OFFSET, d.consumeLong()).putInt(FcopyUioHandler.OFF_WRITE_SIZE, size);
                    byte[] data = d.consumeBytes(m.length - FcopyUioHandler.OFF_WRITE_DATA);
                    System.arraycopy(data, 0, m, FcopyUioHandler.OFF_WRITE_DATA, data.length);
                }
            }
        }
        if (m.length >= B) {
            if (d.consumeInt(0, 15) == 0) {
                icType = d.consumeInt(0, 0xffff); // a body under another type's header
            }
            le(m).putInt(0, d.consumeInt()).putInt(4, d.consumeInt()).putInt(8, d.consumeInt());
            le(m).putShort(14, (short) d.consumeInt(0, 0xffff)).putShort(16, (short) d.consumeInt(0, 0xffff))
                    .putShort(18, (short) d.consumeInt(0, 0xffff)).putInt(20, d.consumeInt());
            m[24] = d.consumeByte();
            m[25] = (byte) IcMessage.FLAG_TRANSACTION | IcMessage.FLAG_REQUEST;
            m[26] = d.consumeByte();
            m[27] = d.consumeByte();
            le(m).putShort(12, (short) icType);
        }
        return new VmbusPacket(type, d.consumeInt(0, 0xffff), d.consumeLong(), m);
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        Receiver rx = new Receiver();
        boolean[] rescinded = new boolean[1];
        FcopyUioHandler h = new FcopyUioHandler(rx, Runnable::run, () -> rescinded[0] = true);
        Replies replies = new Replies();
        int n = d.consumeInt(1, 12);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            rx.next = FileReceiver.Result.values()[d.consumeInt(0, 3)];
            VmbusPacket p = packet(d);
            byte[] req = p.payload().clone();
            int calls = rx.calls.size();
            boolean wasReceiving = rx.receiving;
            h.received(p, replies);
            assertEquals(i + 1, replies.answers.size(), "one answer per packet");
            Object[] a = replies.answers.get(i);
            assertSame(p, a[0], "the answer is to this packet (its transaction id echoed)");
            List<String> newCalls = rx.calls.subList(calls, rx.calls.size());
            if (p.type() != VmbusPacket.TYPE_INBAND || req.length < B) {
                assertEquals(null, a[1], "no reply to a packet without an in-band IC header");
                assertTrue(newCalls.isEmpty());
                continue;
            }
            byte[] reply = (byte[]) a[1];
            assertEquals(req.length, reply.length, "a reply is as long as its request");
            assertEquals(IcMessage.FLAG_TRANSACTION | IcMessage.FLAG_RESPONSE, reply[25]);
            int st = le(reply).getInt(20);
            byte[] expected = req.clone();
            le(expected).putInt(20, st);
            expected[25] = reply[25];
            int icType = u16(req, 12);
            if (icType == IcMessage.TYPE_NEGOTIATE) {
                assertTrue(newCalls.isEmpty());
                int fw = req.length >= B + 4 ? u16(req, B) : 0;
                int srv = req.length >= B + 4 ? u16(req, B + 2) : 0;
                boolean valid = req.length >= B + 4 && fw <= 100 && srv <= 100 && B + 8 + 4L * (fw + srv) <= req.length;
                boolean fwOk = false;
                boolean srvOk = false;
                for (int k = 0; valid && k < fw + srv; k++) {
                    int maj = u16(req, B + 8 + 4 * k);
                    int min = u16(req, B + 8 + 4 * k + 2);
                    fwOk |= k < fw && maj == 3 && min == 0;
                    srvOk |= k >= fw && maj == 1 && min == 1;
                }
                boolean match = valid && fwOk && srvOk;
                assertEquals(match ? HvStatus.S_OK : HvStatus.E_FAIL, st, "negotiation status");
                if (req.length >= B + 4) {
                    assertEquals(0x10, u16(reply, 18));
                    assertEquals(match ? 1 : 0, u16(reply, B));
                    assertEquals(match ? 1 : 0, u16(reply, B + 2));
                    System.arraycopy(reply, 18, expected, 18, 2);
                    System.arraycopy(reply, B, expected, B, Math.min(16, req.length - B));
                }
                if (match && req.length >= B + 16) {
                    assertEquals(3, u16(reply, B + 8));
                    assertEquals(0, u16(reply, B + 10));
                    assertEquals(1, u16(reply, B + 12));
                    assertEquals(1, u16(reply, B + 14));
                    assertEquals(IcNegotiation.version(1, 1), h.serviceVersion());
                }
                assertArrayEquals(expected, reply, "the reply changed more than status, flags and the negotiate body");
                continue;
            }
            assertArrayEquals(expected, reply, "the reply changed more than status and flags");
            if (icType != IcMessage.TYPE_FCOPY) {
                assertEquals(HvStatus.E_FAIL, st);
                assertTrue(newCalls.isEmpty());
                continue;
            }
            if (req.length < B + FcopyUioHandler.FCOPY_HDR) {
                assertEquals(HvStatus.E_FAIL, st);
                assertTrue(newCalls.isEmpty(), "a too-short fcopy message reached the receiver");
                continue;
            }
            int op = le(req).getInt(B);
            switch (op) {
                case 0 -> {
                    String file = req.length >= FcopyUioHandler.START_END ? name(req, FcopyUioHandler.OFF_FILE_NAME) : null;
                    String dir = req.length >= FcopyUioHandler.START_END ? name(req, FcopyUioHandler.OFF_PATH_NAME) : null;
                    if (file == null || dir == null) {
                        assertEquals(List.of("cancel"), newCalls, "START with a bad or short name");
                        assertEquals(HvStatus.E_FAIL, st);
                    } else {
                        int flags = le(req).getInt(FcopyUioHandler.OFF_COPY_FLAGS);
                        assertEquals(List.of("start " + dir + "|" + file + "|" + ((flags & 1) != 0) + "|"
                                + ((flags & 2) != 0) + "|" + le(req).getLong(FcopyUioHandler.OFF_FILE_SIZE)), newCalls);
                        assertEquals(status(rx.next), st);
                    }
                }
                case 1 -> {
                    if (req.length < FcopyUioHandler.OFF_WRITE_DATA) {
                        assertTrue(newCalls.isEmpty());
                        assertEquals(HvStatus.E_FAIL, st);
                        break;
                    }
                    long size = le(req).getInt(FcopyUioHandler.OFF_WRITE_SIZE) & 0xffffffffL;
                    if (size > 6144 || FcopyUioHandler.OFF_WRITE_DATA + size > req.length) {
                        assertEquals(List.of("cancel"), newCalls, "an oversized WRITE");
                        assertEquals(HvStatus.E_FAIL, st);
                    } else {
                        assertEquals(List.of("write " + le(req).getLong(FcopyUioHandler.OFF_WRITE_OFFSET) + "|" + size), newCalls);
                        assertArrayEquals(Arrays.copyOfRange(req, FcopyUioHandler.OFF_WRITE_DATA,
                                FcopyUioHandler.OFF_WRITE_DATA + (int) size), rx.lastWrite);
                        assertEquals(status(rx.next), st);
                    }
                }
                case 2 -> {
                    assertEquals(List.of("complete"), newCalls);
                    assertEquals(rx.next == FileReceiver.Result.OK || !wasReceiving ? HvStatus.S_OK : HvStatus.E_FAIL, st);
                }
                case 3 -> {
                    assertEquals(List.of("cancel"), newCalls);
                    assertEquals(HvStatus.S_OK, st);
                }
                default -> {
                    assertTrue(newCalls.isEmpty(), "an unknown operation reached the receiver");
                    assertEquals(HvStatus.E_FAIL, st);
                }
            }
        }
        boolean rescind = d.consumeBoolean();
        int before = rx.calls.size();
        h.closed(rescind);
        assertEquals(List.of("abort"), rx.calls.subList(before, rx.calls.size()));
        assertEquals(rescind, rescinded[0]);
    }

    @FuzzTest(maxDuration = "60s")
    void packets(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
