// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.json.JsonReader;
import org.guestd.core.testing.FakeClock;
import org.guestd.qga.QgaEndpoint;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.qga.testing.FakeFsFreezer;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.qga.testing.FakeLink;
import org.guestd.core.testing.Chunks;

/**
 * Fuzz target: a QGA session end to end below the transport — the endpoint (per-link parser,
 * executor, fast path), the dispatcher (request and argument checks, registry, guest-info), every
 * command — over features that cannot change this machine: guest information from fixtures
 * ({@link FakeGuestInfo}), a fixed clock, a fake freezer; no process, file, account, power, time
 * or memory feature (those commands answer as qemu-ga does without them). Requests run on the
 * calling thread, so the run is deterministic.
 *
 * <p>Checks: nothing thrown out of {@code received}; every reply is one line of JSON (after
 * guest-sync-delimited's 0xFF) holding an object with {@code return} or {@code error}; and the
 * reply bytes do not depend on the chunking of the input.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/qga/fuzz/QgaEndpointFuzzTestInputs/session/}
 * (seeded from the qemu-ga transcripts); long runs: {@code bin/fuzz QgaEndpointFuzzTest [SECONDS]}.
 */
public class QgaEndpointFuzzTest {

    static byte[] session(List<byte[]> chunks) {
        try {
            QgaFeatures features = QgaFeatures.of(new FakeGuestInfo(), new FakeClock(1_700_000_000_000_000_000L));
            FakeFsFreezer freezer = new FakeFsFreezer();
            features = features.withFreeze(freezer, freezer);
            QgaEndpoint endpoint = new QgaEndpoint(QgaService.newDispatcher(features, "fuzz",
                    ConfigSection.empty("general")), Runnable::run);
            FakeLink link = new FakeLink("fuzz");
            endpoint.connected(link);
            for (byte[] c : chunks) {
                endpoint.received(link, ByteBuffer.wrap(c).asReadOnlyBuffer());
            }
            endpoint.disconnected(link);
            return link.bytes();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] whole = session(List.of(data));
        byte[] chunked = session(Chunks.of(data));
        assertArrayEquals(whole, chunked, "replies depend on the chunking");
        int start = 0;
        for (int i = 0; i < whole.length; i++) {
            if (whole[i] == '\n') {
                int from = whole[start] == (byte) 0xFF ? start + 1 : start; // guest-sync-delimited's
                String line = new String(whole, from, i - from, StandardCharsets.UTF_8);
                Object reply = JsonReader.parse(line);
                assertTrue(reply instanceof Map<?, ?> m && (m.containsKey("return") ^ m.containsKey("error")),
                        "not a reply: " + line);
                start = i + 1;
            }
        }
        assertTrue(start == whole.length, "a partial reply line");
    }

    @FuzzTest(maxDuration = "60s")
    void session(byte[] data) {
        fuzzerTestOneInput(data);
    }
}
