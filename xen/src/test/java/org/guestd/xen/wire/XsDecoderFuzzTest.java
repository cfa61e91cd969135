// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.guestd.core.testing.Chunks;

/**
 * Fuzz target: the {@code xsd_sockmsg} decoder on whatever bytes the xenbus device returns, in one
 * read or cut into reads of 1 to 64 bytes. Checks, against a model that walks the headers itself:
 * the messages (type, ids, payload) and where the stream stops framing are exactly the model's,
 * whatever the chunking; a length over {@link XsMessage#PAYLOAD_MAX} is {@link XsFramingException}
 * (the only exception that may escape), after which every feed is refused until {@link
 * XsDecoder#reset()}, and a reset decoder frames a good message again; {@link XsDecoder#midMessage()}
 * is true exactly when the model has a partial message left; and every decoded message encodes back
 * to its own bytes in the stream and decodes from them to itself.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/xen/wire/XsDecoderFuzzTestInputs/stream/};
 * long runs: {@code bin/fuzz XsDecoderFuzzTest [SECONDS]}.
 */
public class XsDecoderFuzzTest {

    /** What a decoder made of a stream. */
    record Outcome(List<String> messages, boolean broken, boolean midMessage) {}

    static String describe(XsMessage m) {
        return m.type() + "/" + m.reqId() + "/" + m.txId() + ":" + Arrays.toString(m.payload());
    }

    /** The model: headers walked by hand. */
    static Outcome model(byte[] data) {
        List<String> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= XsMessage.HEADER) {
            int type = b.getInt();
            int req = b.getInt();
            int tx = b.getInt();
            long len = b.getInt() & 0xffffffffL;
            if (len > XsMessage.PAYLOAD_MAX) {
                return new Outcome(out, true, false);
            }
            if (b.remaining() < len) {
                return new Outcome(out, false, true);
            }
            byte[] p = new byte[(int) len];
            b.get(p);
            out.add(describe(new XsMessage(type, req, tx, p)));
        }
        return new Outcome(out, false, b.hasRemaining());
    }

    static Outcome decode(List<byte[]> chunks, List<XsMessage> sink) {
        XsDecoder d = new XsDecoder();
        List<String> out = new ArrayList<>();
        for (byte[] c : chunks) {
            try {
                d.feed(ByteBuffer.wrap(c), m -> {
                    out.add(describe(m));
                    sink.add(m);
                });
            } catch (XsFramingException e) {
                // refused from now on, whatever comes, until a reset
                assertThrows(XsFramingException.class, () -> d.feed(ByteBuffer.wrap(new byte[XsMessage.HEADER]), m -> {}));
                assertThrows(XsFramingException.class, () -> d.feed(ByteBuffer.allocate(0), m -> {}));
                d.reset();
                assertFalse(d.midMessage());
                List<XsMessage> again = new ArrayList<>();
                XsMessage ping = XsMessage.of(XsType.READ, 7, 0, new byte[] {'x', 0});
                d.feed(ping.encode(), again::add);
                assertEquals(1, again.size(), "a reset decoder frames again");
                assertEquals(describe(ping), describe(again.get(0)));
                return new Outcome(out, true, false);
            }
        }
        return new Outcome(out, false, d.midMessage());
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Outcome expected = model(data);
        List<XsMessage> decoded = new ArrayList<>();
        assertEquals(expected, decode(List.of(data), decoded), "one read differs from the model");
        assertEquals(expected, decode(Chunks.of(data), new ArrayList<>()), "the chunked reads differ from the model");
        // round trip: each message encodes to its own bytes in the stream, and decodes to itself
        int at = 0;
        for (XsMessage m : decoded) {
            ByteBuffer e = m.encode();
            assertEquals(XsMessage.HEADER + m.payload().length, e.remaining());
            byte[] wire = new byte[e.remaining()];
            e.duplicate().get(wire);
            assertArrayEquals(Arrays.copyOfRange(data, at, at + wire.length), wire);
            at += wire.length;
            List<XsMessage> back = new ArrayList<>();
            XsDecoder d = new XsDecoder();
            d.feed(e, back::add);
            assertEquals(1, back.size());
            assertEquals(describe(m), describe(back.get(0)));
            assertFalse(d.midMessage());
            // the payload helpers never fail on any payload
            assertTrue(m.strings().size() <= m.payload().length);
            assertTrue(m.firstString().length() <= m.payload().length);
            m.toString();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void stream(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
