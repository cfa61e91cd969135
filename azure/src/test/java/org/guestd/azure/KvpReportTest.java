// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.guestd.core.testing.FakeClock;
import org.guestd.kvp.file.FileKvpStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KVP records checked byte for byte in a temporary pool directory. */
class KvpReportTest {
    static final String VM = "13f56399-bd52-4150-9748-7190aae1ff21";
    @TempDir
    Path dir;
    FileKvpStore store;
    KvpReport report;

    @BeforeEach
    void setUp() throws Exception {
        store = new FileKvpStore(FileKvpStore.Options.defaults(dir));
        store.init();
        // 2026-01-01T00:00:00.123456789Z
        FakeClock clock = new FakeClock(1_767_225_600_123_456_789L);
        Iterator<UUID> ids = List.of(UUID.fromString("00000000-0000-4000-8000-000000000001"),
                UUID.fromString("00000000-0000-4000-8000-000000000002")).iterator();
        report = new KvpReport(store, "0.1.0", clock, ids::next);
    }

    static byte[] record(String key, String value) {
        byte[] r = new byte[2560];
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(k, 0, r, 0, k.length);
        System.arraycopy(v, 0, r, 512, v.length);
        return r;
    }

    byte[] pool1() throws Exception {
        return Files.readAllBytes(dir.resolve(".kvp_pool_1"));
    }

    @Test
    void successReportIsOneRecordByteForByte() throws Exception {
        String v = report.success(VM);
        assertEquals("result=success|agent=guestd/0.1.0|pps_type=None|vm_id=" + VM
                + "|timestamp=2026-01-01T00:00:00.123456+00:00", v);
        assertArrayEquals(record("PROVISIONING_REPORT", v), pool1());
        // a later report replaces it in place: still one record
        String f = report.failure(VM, "check: SSH key 1 of 1 is not a usable public key");
        assertArrayEquals(record("PROVISIONING_REPORT", f), pool1());
        assertEquals("result=error|reason=check: SSH key 1 of 1 is not a usable public key|agent=guestd/0.1.0"
                + "|pps_type=None|vm_id=" + VM + "|timestamp=2026-01-01T00:00:00.123456+00:00"
                + "|documentation_url=https://aka.ms/linuxprovisioningerror", f);
    }

    @Test
    void failureReasonsAreQuotedAndShortenedToFit() throws Exception {
        String f = report.failure(VM, "user: useradd said \"no\" | twice");
        assertTrue(f.contains("|\"reason=user: useradd said \"\"no\"\" | twice\"|agent="), f);
        String big = "é".repeat(512); // 1024 UTF-8 bytes
        f = report.failure(VM, big);
        assertTrue(f.getBytes(StandardCharsets.UTF_8).length <= 1022, f.length() + " chars");
        assertTrue(f.contains("é..." + "|agent=guestd/0.1.0"), f);
        assertTrue(f.endsWith("|documentation_url=https://aka.ms/linuxprovisioningerror"));
        assertArrayEquals(record("PROVISIONING_REPORT", f), pool1());
    }

    @Test
    void eventsAreKeyedAsAzureInitDoesAndSplitIntoNumberedChunks() throws Exception {
        List<String> one = report.event(VM, "INFO", "provision:user", "azureuser created");
        assertEquals(List.of("guestd-0.1.0|" + VM + "|INFO|provision:user|00000000-0000-4000-8000-000000000001"), one);
        // 2500 bytes with 3-byte characters straddling the 1022-byte boundaries
        String msg = "x".repeat(1000) + "€".repeat(500);
        List<String> keys = report.event(VM, "WARN", "provision:" + "n".repeat(400), msg);
        assertEquals(3, keys.size());
        ByteArrayOutputStream expect = new ByteArrayOutputStream();
        expect.write(record(one.get(0), "Time: 2026-01-01T00:00:00.123Z | Event: azureuser created"));
        StringBuilder joined = new StringBuilder();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i);
            assertTrue(k.endsWith("|00000000-0000-4000-8000-000000000002|" + i), k);
            assertTrue(k.getBytes(StandardCharsets.UTF_8).length <= 254, k.length() + " " + k);
            String v = new String(store.get(1, k.getBytes(StandardCharsets.UTF_8)).orElseThrow(), StandardCharsets.UTF_8);
            assertTrue(v.getBytes(StandardCharsets.UTF_8).length <= 1022);
            values.add(v);
            joined.append(v);
            expect.write(record(k, v));
        }
        assertEquals(1022, values.get(0).getBytes(StandardCharsets.UTF_8).length);
        assertEquals("Time: 2026-01-01T00:00:00.123Z | Event: " + msg, joined.toString());
        assertArrayEquals(expect.toByteArray(), pool1());
    }

    @Test
    void splitNeverBreaksACharacter() {
        List<String> parts = KvpReport.split("a" + "😀".repeat(600));
        assertEquals("a" + "😀".repeat(600), String.join("", parts));
        for (String p : parts) {
            assertTrue(p.getBytes(StandardCharsets.UTF_8).length <= 1022);
            assertTrue(!Character.isLowSurrogate(p.charAt(0)));
        }
    }

    @Test
    void aNewPassRemovesOnlyGuestdsOwnEarlierEvents() throws Exception {
        // what other writers keep in pool 1: cloud-init's and azure-init's telemetry, an admin's record,
        // and a key that only looks like guestd's
        List<String> others = List.of("CLOUD_INIT|init-local|start|b9a0b0a5-0d4f-4c43-8d0e-7a8b9c0d1e2f",
                "azure-init-0.1.1|" + VM + "|INFO|provision|7d3c1d4e-2b1f-4c55-9d0e-8a6b1c2d3e4f",
                "guestd-notes", "guestd-0.1.0|" + VM + "|INFO|provision:user|not-a-uuid");
        for (String k : others) {
            store.set(1, k.getBytes(StandardCharsets.UTF_8), "theirs".getBytes(StandardCharsets.UTF_8));
        }
        List<String> earlier = new ArrayList<>(report.event(VM, "INFO", "provision:user", "created"));
        earlier.addAll(report.event("another-vm", "ERROR", "provision:ssh-keys", "x".repeat(1500))); // 2 chunks
        report.success(VM);
        earlier.forEach(k -> assertTrue(KvpReport.isOwnEvent(k), k));
        others.forEach(k -> assertTrue(!KvpReport.isOwnEvent(k), k));

        assertEquals(3, report.pruneEarlierEvents());
        List<String> left = store.list(1).stream().map(e -> e.keyText()).toList();
        List<String> expect = new ArrayList<>(others);
        expect.add(KvpReport.KEY);
        assertEquals(expect, left, "guestd's earlier events gone, every other record kept, in order");
        for (String k : others) {
            assertEquals("theirs", new String(store.get(1, k.getBytes(StandardCharsets.UTF_8)).orElseThrow(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(0, report.pruneEarlierEvents(), "nothing left to prune");
    }
}
