// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guestd.host.hyperv.KvpMessages;
import org.guestd.host.hyperv.KvpReply;
import org.guestd.kvp.file.FileKvpStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-loop fast path ({@link KvpProtocol#handleQuick}) on the real file store: whatever it
 * answers is byte for byte what {@link KvpProtocol#handle} answers; it declines what could block or
 * is not a lookup (SET, DELETE, IP info, the computed auto pool, a key the store refuses, a pool file
 * changed by another process since it was read).
 */
class KvpQuickPathTest {
    @TempDir
    Path dir;

    private FileKvpStore store;
    private KvpProtocol kvp;

    /**
     * The stores' clock runs a second ahead of the file system's, so no file here is ever "racy"
     * (modified within 25 ms of being read), which would otherwise make the cache re-read it — and
     * these tests depend on timing — while the files are younger than 25 ms.
     */
    private static long ahead() {
        return FileKvpStore.realtimeNanos() + 1_000_000_000L;
    }

    @BeforeEach
    void registered() throws Exception {
        store = KvpSides.guestdStore(dir, true, KvpQuickPathTest::ahead);
        kvp = new KvpProtocol(store, new FakeIntrinsics().auto("FullyQualifiedDomainName", "vm"));
        kvp.register();
        assertNull(kvp.handleQuick(KvpMessages.get(1, "k")), "not before the handshake");
        assertNull(kvp.handle(KvpMessages.registrationReply("3.1")));
        for (int i = 0; i < 5; i++) {
            assertEquals(0, new KvpReply(kvp.handle(KvpMessages.set(1, "key-" + i, "v-" + i)))
                    .status());
        }
        kvp.handle(KvpMessages.set(0, "ключ", "wert-€"));
        kvp.handle(KvpMessages.set(3, "K".repeat(KvpMessages.MAX_KEY_BYTES), "V".repeat(KvpMessages.MAX_VALUE_BYTES)));
    }

    @Test
    void lookupsAnsweredInlineAreTheSameReplies() throws Exception {
        List<byte[]> lookups = new ArrayList<>();
        lookups.add(KvpMessages.get(1, "key-3"));
        lookups.add(KvpMessages.get(1, "missing"));
        lookups.add(KvpMessages.get(1, "key"));
        lookups.add(KvpMessages.get(0, "ключ"));
        lookups.add(KvpMessages.get(4, "key-1"));
        lookups.add(KvpMessages.get(3, "K".repeat(KvpMessages.MAX_KEY_BYTES)));
        for (int i = 0; i <= 6; i++) {
            lookups.add(KvpMessages.enumerate(1, i));
        }
        lookups.add(KvpMessages.enumerate(3, 0));
        lookups.add(KvpMessages.enumerate(1, Integer.MIN_VALUE)); // u32 2^31: past the end, not negative
        lookups.add(KvpMessages.enumerate(1, -1)); // u32 2^32-1
        for (byte[] m : lookups) {
            kvp.handle(m); // the first access to a pool reads it on the worker; then it is in memory
            byte[] quick = kvp.handleQuick(m);
            assertNotNull(quick, "answered inline: op " + m[0] + " pool " + m[1]);
            assertArrayEquals(kvp.handle(m), quick);
        }
        assertEquals("v-3", new KvpReply(kvp.handleQuick(KvpMessages.get(1, "key-3")))
                .value());
    }

    @Test
    void everythingElseIsLeftToTheWorker() throws Exception {
        assertNull(kvp.handleQuick(KvpMessages.set(1, "k", "v")));
        assertNull(kvp.handleQuick(KvpMessages.delete(1, "key-1")));
        assertNull(kvp.handleQuick(KvpMessages.enumerate(2, 0)), "the auto pool is computed");
        assertNull(kvp.handleQuick(KvpMessages.getIpInfo("00:15:5D:00:00:01", 3)));
        assertNull(kvp.handleQuick(new byte[100]), "a bad size");
        byte[] tooLong = KvpMessages.get(1, "x");
        byte[] key = "L".repeat(512).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(key, 0, tooLong, KvpWire.OFF_SET_KEY, key.length);
        Wire.putU32(tooLong, KvpWire.OFF_SET_KEY_SIZE, 512);
        assertNull(kvp.handleQuick(tooLong), "a key without room for its NUL: the store's error, from handle()");
        byte[] pool9 = KvpMessages.get(1, "key-1");
        pool9[KvpWire.OFF_POOL] = 9;
        assertNull(kvp.handleQuick(pool9));
    }

    @Test
    void aPoolChangedByAnotherProcessIsReadOnTheWorkerFirst() throws Exception {
        assertNotNull(kvp.handleQuick(KvpMessages.get(1, "key-1")));
        FileKvpStore guestctl = KvpSides.guestdStore(dir, true, KvpQuickPathTest::ahead); // another process's store on the same files
        guestctl.set(1, "key-1".getBytes(StandardCharsets.UTF_8), "changed".getBytes(StandardCharsets.UTF_8));
        assertNull(kvp.handleQuick(KvpMessages.get(1, "key-1")), "the stat shows the change");
        assertEquals("changed", new KvpReply(kvp.handle(KvpMessages.get(1, "key-1"))).value());
        byte[] again = kvp.handleQuick(KvpMessages.get(1, "key-1"));
        assertNotNull(again, "served from memory again once re-read");
        assertEquals("changed", new KvpReply(again).value());
    }
}
