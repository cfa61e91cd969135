// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.guestd.qga.codec.JsonStreamer;
import org.guestd.core.testing.Chunks;

/**
 * Fuzz target: qemu's JSON streamer as guestd implements it (lexer, framing, parser, limits) on
 * whatever bytes a host sends. Nothing may throw, and the messages it reports must not depend on
 * how the stream was chunked (one buffer, or pieces of 1 to 64 bytes): the framing is the byte
 * stream's, as qemu-ga's.
 *
 * <p>Regression inputs (replayed by every {@code mvn test}):
 * {@code src/test/resources/org/guestd/qga/fuzz/JsonStreamerFuzzTestInputs/streamer/}; long runs:
 * {@code bin/fuzz JsonStreamerFuzzTest [SECONDS]}.
 */
public class JsonStreamerFuzzTest {

    /** The messages of one stream, as "value:" + the value or "error:" + qemu's text. */
    static List<String> events(List<byte[]> chunks) {
        List<String> out = new ArrayList<>();
        JsonStreamer s = new JsonStreamer(new JsonStreamer.Listener() {
            @Override
            public void onValue(Object value) {
                out.add("value:" + value);
            }

            @Override
            public void onError(String desc) {
                out.add("error:" + desc);
            }
        });
        for (byte[] c : chunks) {
            s.feed(ByteBuffer.wrap(c));
        }
        return out;
    }

    public static void fuzzerTestOneInput(byte[] data) {
        List<String> whole = events(List.of(data));
        List<String> chunked = events(Chunks.of(data));
        assertEquals(whole, chunked, "the messages depend on the chunking");
    }

    @FuzzTest(maxDuration = "60s")
    void streamer(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
