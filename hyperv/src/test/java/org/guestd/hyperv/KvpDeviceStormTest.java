// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.guestd.core.testing.TestContext;
import org.guestd.files.FileReceiver;
import org.guestd.host.hyperv.Fault;
import org.guestd.host.hyperv.HvChannel;
import org.guestd.host.hyperv.KvpKernel;
import org.guestd.host.hyperv.KvpMessages;
import org.guestd.kvp.file.FileKvpStore;
import org.guestd.transport.IoLoop;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault suite, issue 16: the KVP device fed random and truncated messages for a bounded time
 * ({@code -Dguestd.kvp.storm.seconds=N}, default 5; CI's reliability run 30), through the real
 * message transport, endpoint and the real file store (pool files in a temporary directory;
 * scripted intrinsics, so a random SET_IP_INFO runs nothing). Before the storm 200 keys are stored
 * over pools 0–3; the storm mixes truncated, oversized, wrong-op and garbage messages, messages of
 * random length, and valid GETs of stored keys, each answered or not as the host side expects.
 * After it, every stored key must still read back with its value through the device and from a
 * fresh store over the same files; the service must still serve; and the storm leaves a few warn
 * lines (one per cause a minute), not one per bad message.
 */
class KvpDeviceStormTest {
    private static final Duration WAIT = Duration.ofSeconds(10); // hang guard only

    @TempDir
    Path tmp;

    @Test
    void storedKeysSurviveAStormOfBadMessages() throws Exception {
        long seconds = Long.getLong("guestd.kvp.storm.seconds", 5);
        Path pools = tmp.resolve("hyperv");
        FileKvpStore store = new FileKvpStore(FileKvpStore.Options.defaults(pools));
        store.init();
        IoLoop loop = IoLoop.create();
        HvChannel ch = new HvChannel();
        TestContext ctx = new TestContext("hyperv").general(Map.of("kvp-device", ch.handOver(), "vss-device", "off",
                "fcopy-device", "off"));
        FakeIntrinsics intrinsics = new FakeIntrinsics().auto("FullyQualifiedDomainName", "vm").adapter(FakeAdapters.GUID);
        HypervService service = new HypervService(loop, Optional.of(new HypervService.Kvp(store, intrinsics)),
                Optional.empty(), Optional.of(new FileReceiver(tmp.resolve("fcopy"))));
        ch.qos.logback.classic.Logger hv = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.guestd.hyperv");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        hv.addAppender(logged);
        Map<String, String> stored = new LinkedHashMap<>();
        Map<Fault, Long> faults = new EnumMap<>(Fault.class);
        long randomLength = 0;
        long gets = 0;
        try (KvpKernel k = new KvpKernel(ch)) {
            service.start(ctx);
            k.awaitRegistration(WAIT);
            Random r = new Random(16);
            for (int i = 0; i < 200; i++) {
                int pool = i % 4;
                String key = "key-" + i;
                String value = "value-" + i + "-" + Long.toHexString(r.nextLong());
                assertTrue(k.request(KvpMessages.set(pool, key, value), WAIT).ok(), key);
                stored.put(pool + "/" + key, value);
            }
            Fault[] kinds = {Fault.TRUNCATED, Fault.OVERSIZED, Fault.WRONG_OP, Fault.GARBAGE};
            String[] keys = stored.keySet().toArray(new String[0]);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                int pick = r.nextInt(6);
                if (pick < 4) {
                    byte[] reply = k.inject(kinds[pick], WAIT);
                    assertTrue(reply != null && reply.length == KvpMessages.SIZE, kinds[pick] + ": no whole reply");
                    faults.merge(kinds[pick], 1L, Long::sum);
                } else if (pick == 4) {
                    byte[] m = new byte[1 + r.nextInt(KvpMessages.SIZE + 200)];
                    r.nextBytes(m);
                    ch.send(m);
                    byte[] reply = ch.receive(WAIT);
                    assertTrue(reply != null && reply.length == KvpMessages.SIZE, m.length + "-byte message: no whole reply");
                    randomLength++;
                } else {
                    String pk = keys[r.nextInt(keys.length)];
                    int slash = pk.indexOf('/');
                    assertEquals(stored.get(pk), k.request(KvpMessages.get(Integer.parseInt(pk.substring(0, slash)),
                            pk.substring(slash + 1)), WAIT).value(), "GET " + pk + " during the storm");
                    gets++;
                }
            }
            for (Map.Entry<String, String> e : stored.entrySet()) {
                int slash = e.getKey().indexOf('/');
                assertEquals(e.getValue(), k.request(KvpMessages.get(Integer.parseInt(e.getKey().substring(0, slash)),
                        e.getKey().substring(slash + 1)), WAIT).value(), "after the storm: " + e.getKey());
            }
        } finally {
            service.stop();
            loop.close();
            hv.detachAppender(logged);
        }
        FileKvpStore fresh = new FileKvpStore(FileKvpStore.Options.defaults(pools));
        fresh.init();
        for (Map.Entry<String, String> e : stored.entrySet()) {
            int slash = e.getKey().indexOf('/');
            Optional<byte[]> v = fresh.get(Integer.parseInt(e.getKey().substring(0, slash)),
                    e.getKey().substring(slash + 1).getBytes(UTF_8));
            assertEquals(e.getValue(), v.map(b -> new String(b, UTF_8)).orElse(null),
                    "pool file after the storm: " + e.getKey());
        }
        long total = faults.values().stream().mapToLong(Long::longValue).sum() + randomLength + gets;
        long warns = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
        assertTrue(warns <= 12, warns + " warn lines for " + total + " messages: rate limiting per cause failed");
        System.out.printf("KvpDeviceStormTest: %d s, %d messages: %s, %d of random length, %d GETs of stored keys; "
                + "%d stored keys intact; %d warn lines%n", seconds, total, faults, randomLength, gets, stored.size(), warns);
    }
}
