// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;
import org.guestd.core.status.ChannelState;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.TestContext;
import org.guestd.files.FileReceiver;
import org.guestd.freeze.FsFreezer;
import org.guestd.heartbeat.Heartbeat;
import org.guestd.heartbeat.HeartbeatTracker;
import org.guestd.host.hyperv.Fault;
import org.guestd.host.hyperv.FcopyKernel;
import org.guestd.host.hyperv.HvChannel;
import org.guestd.host.hyperv.KvpKernel;
import org.guestd.host.hyperv.KvpMessages;
import org.guestd.host.hyperv.VssKernel;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;
import org.guestd.transport.IoLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The service on real message transports, driven by the host's device emulators over socketpairs. */
class HypervChannelsTest {
    private static final Duration WAIT = Duration.ofSeconds(10); // hang guard only
    private IoLoop loop;
    private HypervService service;
    private final MemoryKvpStore store = new MemoryKvpStore();
    private final FakeIntrinsics intrinsics = new FakeIntrinsics().auto("FullyQualifiedDomainName", "vm");
    private final HeartbeatTracker heartbeat = new HeartbeatTracker(
            new FakeClock(0), Duration.ofMinutes(5));
    private final AtomicInteger changes = new AtomicInteger();

    @BeforeEach
    void loop() {
        loop = IoLoop.create();
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.stop();
        }
        loop.close();
    }

    private void start(Map<String, String> general, FsFreezer freezer) throws Exception {
        TestContext ctx = new TestContext("hyperv").general(general);
        FileReceiver receiver = new FileReceiver(HypervService.fcopyRoot(ctx.general(), ctx.config()));
        service = new HypervService(loop, Optional.of(new HypervService.Kvp(store, intrinsics)),
                Optional.ofNullable(freezer), Optional.of(receiver)).heartbeat(heartbeat);
        service.onChange(changes::incrementAndGet);
        service.start(ctx);
    }

    private KvpKernel kvpKernel() throws Exception {
        HvChannel ch = new HvChannel();
        String path = ch.handOver();
        start(Map.of("kvp-device", path, "vss-device", "off", "fcopy-device", "off"), null);
        KvpKernel k = new KvpKernel(ch);
        k.awaitRegistration(WAIT);
        return k;
    }

    @Test
    void kvpRegistersAndServesRequests() throws Exception {
        try (KvpKernel k = kvpKernel()) {
            assertTrue(k.request(KvpMessages.set(1, "cloud-init", "ready"), WAIT).ok());
            assertEquals("ready", k.request(KvpMessages.get(1, "cloud-init"), WAIT).value());
            assertEquals("FullyQualifiedDomainName", k.request(KvpMessages.enumerate(2, 0), WAIT).enumKey());
            assertEquals("3.1", service.kvpDriverVersion());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"TRUNCATED", "OVERSIZED", "WRONG_OP", "GARBAGE", "REPLY_NEVER_READ"})
    void faultsNeitherStopTheChannelNorCorruptThePool(Fault fault) throws Exception {
        try (KvpKernel k = kvpKernel()) {
            assertTrue(k.request(KvpMessages.set(1, "keep", "me"), WAIT).ok());
            byte[] answer = k.inject(fault, WAIT);
            if (fault == Fault.REPLY_NEVER_READ) {
                assertEquals(64, k.drain(Duration.ofMillis(500)), "every request answered once read");
            } else {
                assertNotNull(answer, "a malformed request is answered, not left to time out");
                assertEquals(7432, answer.length);
            }
            if (fault == Fault.TRUNCATED || fault == Fault.OVERSIZED) {
                assertEquals(HvStatus.E_FAIL, Wire.u32(answer, 0));
            }
            assertEquals("me", k.request(KvpMessages.get(1, "keep"), WAIT).value(), "channel still serving");
            assertEquals(List.of("keep"), store.list(1).stream().map(KvpStore.Entry::keyText).toList());
        }
    }

    @Test
    void hostClosingTheDeviceEndsTheLinkQuietly() throws Exception {
        KvpKernel k = kvpKernel();
        assertTrue(k.request(KvpMessages.set(0, "a", "b"), WAIT).ok());
        k.inject(Fault.HOST_CLOSES, WAIT);
        // an inherited descriptor is not reopened; a second emulator on a new pair still works
        HvChannel ch = new HvChannel();
        service.stop();
        start(Map.of("kvp-device", ch.handOver(), "vss-device", "off", "fcopy-device", "off"), null);
        try (KvpKernel k2 = new KvpKernel(ch)) {
            k2.awaitRegistration(WAIT);
            assertEquals("b", k2.request(KvpMessages.get(0, "a"), WAIT).value());
        }
    }

    @Test
    void missingDeviceTurnsTheChannelOff(@TempDir Path dir) throws Exception {
        start(Map.of("kvp-device", dir.resolve("hv_kvp").toString(), "vss-device", "off", "fcopy-device", "off"),
                null);
        assertEquals("", service.kvpDriverVersion());
        assertEquals(List.of(
                ChannelState.off("kvp", dir.resolve("hv_kvp") + " not present", "hyperv-kvp"),
                ChannelState.off("vss", "turned off (vss-device=off)", "hyperv-vss"),
                ChannelState.off("fcopy", "turned off (fcopy-device=off)", "hyperv-fcopy")),
                service.channels());
        assertEquals(1, changes.get());
    }

    @Test
    void channelStatusSaysOpenAndEveryHostMessageIsAContact() throws Exception {
        try (KvpKernel k = kvpKernel()) {
            ChannelState kvp = service.channels().get(0);
            assertEquals(ChannelState.State.OPEN, kvp.state());
            assertTrue(kvp.transport().startsWith("fd:"), kvp.transport());
            assertEquals("hyperv-kvp", kvp.contactSource());
            assertEquals(0, heartbeat.contacts("hyperv-kvp"), "the registration is the guest's message, not the host's");
            assertTrue(k.request(KvpMessages.set(1, "a", "b"), WAIT).ok());
            assertTrue(k.request(KvpMessages.get(1, "a"), WAIT).ok());
            assertEquals(2, heartbeat.contacts("hyperv-kvp"));
            assertEquals(Heartbeat.ContactKind.REQUEST, heartbeat.lastContactBySource().get("hyperv-kvp").kind());
        }
        service.stop();
        assertEquals("stopped", service.channels().get(0).reason());
        assertEquals(2, changes.get(), "opened at start, closed at stop");
        service = null;
    }

    @Test
    void notAHypervGuestSaysSoForEveryChannel() throws Exception {
        TestContext ctx = new TestContext("hyperv").paths(HostPaths.under(Path.of("/nonexistent")));
        service = new HypervService(loop, Optional.empty(), Optional.empty(), Optional.empty()).vmbusPresent(false);
        service.start(ctx);
        assertEquals(3, service.channels().size());
        for (ChannelState c : service.channels()) {
            assertEquals("no /nonexistent/dev/vmbus: not a Hyper-V guest", c.reason(), c.name());
        }
    }

    /** Records what the VSS channel asks of the freeze engine. */
    static final class RecordingFreezer implements FsFreezer {
        final AtomicInteger freezes = new AtomicInteger();
        final AtomicInteger thaws = new AtomicInteger();
        volatile boolean fail;
        volatile Status status = Status.THAWED;

        @Override
        public Status status() {
            return status;
        }

        @Override
        public int freeze(List<String> mountpoints, String requester) throws AgentException {
            assertNull(mountpoints);
            assertEquals("hyperv-vss", requester);
            if (fail) {
                throw new AgentException("failed to freeze /: EOPNOTSUPP");
            }
            freezes.incrementAndGet();
            status = Status.FROZEN;
            return 2;
        }

        @Override
        public int thaw(String requester) {
            thaws.incrementAndGet();
            status = Status.THAWED;
            return 2;
        }
    }

    @Test
    void vssFreezesThawsAndThawsWhenTheDeviceIsLost() throws Exception {
        RecordingFreezer f = new RecordingFreezer();
        HvChannel ch = new HvChannel();
        start(Map.of("kvp-device", "off", "vss-device", ch.handOver(), "fcopy-device", "off"), f);
        VssKernel k = new VssKernel(ch);
        k.awaitRegistration(WAIT);
        assertEquals(0, k.request(VssKernel.HOT_BACKUP, WAIT));
        assertEquals(0, k.request(VssKernel.FREEZE, WAIT));
        assertEquals(0, k.request(VssKernel.FREEZE, WAIT), "a second FREEZE: 0, as hv_vss_daemon (EBUSY is success)");
        assertEquals(1, f.freezes.get(), "and nothing frozen twice");
        assertEquals(0, k.request(VssKernel.THAW, WAIT));
        assertEquals(1, f.freezes.get());
        assertEquals(1, f.thaws.get());
        f.fail = true;
        assertEquals(HvStatus.E_FAIL, k.request(VssKernel.FREEZE, WAIT));
        f.fail = false;
        assertEquals(0, k.request(VssKernel.FREEZE, WAIT));
        assertEquals(HvStatus.E_FAIL, VssKernel.status(k.requestRaw(new byte[5], WAIT)), "wrong size");
        k.close(); // host gone while frozen
        for (int i = 0; i < 500 && f.status() == FsFreezer.Status.FROZEN; i++) {
            Thread.sleep(10);
        }
        assertEquals(FsFreezer.Status.THAWED, f.status());
    }

    @Test
    void vssWithoutAFreezeEngineAnswersAsTheReferenceThatCannotFreeze() throws Exception {
        HvChannel ch = new HvChannel();
        start(Map.of("kvp-device", "off", "vss-device", ch.handOver(), "fcopy-device", "off"), null);
        try (VssKernel k = new VssKernel(ch)) {
            k.awaitRegistration(WAIT);
            assertEquals(HvStatus.E_FAIL, k.request(VssKernel.FREEZE, WAIT));
            assertEquals(0, k.request(VssKernel.THAW, WAIT));
        }
    }

    @Test
    void fcopyCopiesHonoursOverwriteAndStaysInsideTheRoot(@TempDir Path root) throws Exception {
        HvChannel ch = new HvChannel();
        start(Map.of("kvp-device", "off", "vss-device", "off", "fcopy-device", ch.handOver(),
                "fcopy-root", root.toString()), null);
        try (FcopyKernel k = new FcopyKernel(ch)) {
            k.awaitRegistration(WAIT);
            byte[] content = new byte[20000];
            new Random(1).nextBytes(content);
            String dir = root.resolve("in").toString();
            assertEquals(HvStatus.E_FAIL, k.copy("f.bin", dir, 0, content, WAIT), "no CREATE_PATH");
            assertEquals(0, k.copy("f.bin", dir, FcopyKernel.CREATE_PATH, content, WAIT));
            assertArrayEquals(content, Files.readAllBytes(root.resolve("in/f.bin")));
            assertEquals(HvStatus.ERROR_ALREADY_EXISTS, k.copy("f.bin", dir, 0, new byte[1], WAIT));
            assertEquals(0, k.copy("f.bin", dir, FcopyKernel.OVER_WRITE, "new".getBytes(), WAIT));
            assertEquals("new", Files.readString(root.resolve("in/f.bin")));

            assertEquals(HvStatus.E_FAIL, k.copy("../escape", dir, FcopyKernel.CREATE_PATH, content, WAIT));
            assertEquals(HvStatus.E_FAIL, k.copy("x", dir + "/../..", FcopyKernel.CREATE_PATH, content, WAIT));
            assertEquals(HvStatus.E_FAIL, k.copy("x", "/etc", FcopyKernel.OVER_WRITE, content, WAIT));
            Files.createSymbolicLink(root.resolve("link"), Path.of("/"));
            assertEquals(HvStatus.E_FAIL, k.copy("x", root.resolve("link/tmp").toString(), 0, content, WAIT));
            Files.createSymbolicLink(root.resolve("in/sym"), root.resolve("in/f.bin"));
            assertEquals(HvStatus.E_FAIL, k.copy("sym", dir, FcopyKernel.OVER_WRITE, content, WAIT));
            assertEquals("new", Files.readString(root.resolve("in/f.bin")), "not written through the link");

            assertEquals(0, k.request(FcopyKernel.start("part", dir, 0, 10), WAIT));
            assertEquals(0, k.request(FcopyKernel.write(0, "12345".getBytes(StandardCharsets.UTF_8), 0, 5), WAIT));
            assertEquals(0, k.request(FcopyKernel.header(FcopyKernel.CANCEL), WAIT));
            assertFalse(Files.exists(root.resolve("in/part")), "cancel removes the partial file");
            assertEquals(HvStatus.E_FAIL, k.request(FcopyKernel.write(0, new byte[1], 0, 1), WAIT),
                    "write without start");
        }
    }
}
