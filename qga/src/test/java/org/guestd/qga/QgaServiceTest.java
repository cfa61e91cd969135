// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.status.ChannelState;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.TestContext;
import org.guestd.qga.testing.FakeGuestInfo;
import org.guestd.qga.testing.FakeLink;
import org.guestd.transport.Link;
import org.guestd.transport.Transport;
import org.junit.jupiter.api.Test;

class QgaServiceTest {
    /** Records the handler it is started with. */
    private static final class FakeTransport implements Transport {
        Link.Handler handler;
        boolean closed;
        IOException failOnStart;

        @Override
        public void start(Link.Handler h) throws IOException {
            if (failOnStart != null) {
                throw failOnStart;
            }
            handler = h;
        }

        @Override
        public String describe() {
            return "fake-transport";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static TestContext ctx(Map<String, String> general) {
        return new TestContext("qga").general(general);
    }

    private static QgaService service(FakeTransport t, String version) {
        return new QgaService(() -> t, QgaFeatures.of(new FakeGuestInfo(), new FakeClock(1_000_000_123_456L)), version);
    }

    private static String exchange(Link.Handler h, String request) {
        FakeLink link = new FakeLink("svc");
        h.connected(link);
        h.received(link, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        h.disconnected(link);
        return new String(link.bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void startServesTheTransportAndStopClosesIt() throws Exception {
        FakeTransport t = new FakeTransport();
        QgaService svc = service(t, "10.0.0-guestd");
        assertEquals("qga", svc.name());
        TestContext ctx = ctx(Map.of());
        svc.start(ctx);
        assertEquals("{\"return\": 1000000123000}\n", exchange(t.handler, "{\"execute\":\"guest-get-time\"}"));
        String info = exchange(t.handler, "{\"execute\":\"guest-info\"}");
        assertTrue(info.startsWith(
                "{\"return\": {\"version\": \"10.0.0-guestd\", \"supported_commands\": [{\"enabled\": true, \"name\": "
                + "\"__org.guestd_guest-get-memory-stats\", \"success-response\": true}, {\"enabled\": true, \"name\": "
                + "\"guest-network-get-route\""), "last registered first: guestd's extension, then qemu's schema backwards: " + info);
        assertEquals(QgaService.commandNames().size(), info.split("\"name\"").length - 1);
        assertFalse(t.closed);
        svc.stop();
        assertTrue(t.closed);
        svc.stop(); // idempotent
    }

    @Test
    void blockAndAllowListsComeFromGeneral() throws Exception {
        FakeTransport t = new FakeTransport();
        QgaService svc = service(t, "v");
        svc.start(ctx(Map.of("block-rpcs", "guest-ping;guest-get-time;guest-unknown")));
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command guest-ping has been disabled\"}}\n",
                exchange(t.handler, "{\"execute\":\"guest-ping\"}"));
        String info = exchange(t.handler, "{\"execute\":\"guest-info\"}");
        assertTrue(info.contains("{\"enabled\": false, \"name\": \"guest-get-time\""), info);
        assertTrue(info.contains("{\"enabled\": true, \"name\": \"guest-sync\""), info);

        FakeTransport t2 = new FakeTransport();
        QgaService svc2 = service(t2, "v");
        svc2.start(ctx(Map.of("allow-rpcs", "guest-ping,guest-get-time")));
        assertEquals("{\"return\": {}}\n", exchange(t2.handler, "{\"execute\":\"guest-ping\"}"));
        assertEquals("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Command guest-get-fsinfo has been "
                + "disabled: the command is not allowed\"}}\n", exchange(t2.handler, "{\"execute\":\"guest-get-fsinfo\"}"));
    }

    @Test
    void bothListsAreRefusedWithQemusMessage() {
        FakeTransport t = new FakeTransport();
        QgaService svc = service(t, "v");
        AgentException e = assertThrows(AgentException.class,
                () -> svc.start(ctx(Map.of("block-rpcs", "guest-ping", "allow-rpcs", "guest-info"))));
        assertEquals(QgaService.BOTH_LISTS_MESSAGE, e.getMessage());
        assertNull(t.handler);
    }

    @Test
    void transportThatCannotOpenFailsTheStart() {
        FakeTransport t = new FakeTransport();
        t.failOnStart = new IOException("No such file or directory");
        QgaService svc = service(t, "v");
        AgentException e = assertThrows(AgentException.class, () -> svc.start(ctx(Map.of())));
        assertEquals("cannot open fake-transport: No such file or directory", e.getMessage());
        assertTrue(t.closed);
    }

    @Test
    void commandNamesAreTheRegisteredOnesInSchemaOrder() throws Exception {
        var reg = QgaService.newRegistry(QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0)), "v",
                ConfigSection.empty("general"));
        List<String> names = QgaService.commandNames();
        assertEquals(reg.commands().size(), names.size());
        assertEquals("guest-sync-delimited", names.get(0));
        for (String n : names) {
            assertTrue(reg.find(n).isPresent(), n);
        }
    }

    @Test
    void dispatcherWithoutTransport() throws Exception {
        var d = QgaService.newDispatcher(QgaFeatures.of(new FakeGuestInfo(), new FakeClock(0)), "v",
                ConfigSection.empty("general"));
        assertSame(d.registry(), d.registry());
        assertEquals(QgaService.commandNames().size(), d.registry().commands().size());
        assertTrue(d.registry().find("guest-network-get-interfaces").isPresent());
    }

    @Test
    void channelStatusFollowsTheTransportAndItsSessions() throws Exception {
        FakeTransport t = new FakeTransport();
        QgaService svc = service(t, "v");
        AtomicInteger changes = new AtomicInteger();
        svc.onChange(changes::incrementAndGet);
        assertEquals(List.of(ChannelState.off("qga", "not started", "qga")),
                svc.channels());
        assertTrue(svc.commands().isEmpty(), "no policy before start");
        svc.start(ctx(Map.of()));
        assertEquals(1, changes.get(), "the channel opened");
        assertEquals(List.of(ChannelState.open("qga", "fake-transport", 0, "qga")),
                svc.channels());
        FakeLink a = new FakeLink("a");
        FakeLink b = new FakeLink("b");
        t.handler.connected(a);
        t.handler.connected(b);
        assertEquals(2, svc.channels().get(0).sessions());
        t.handler.disconnected(a);
        assertEquals(1, svc.channels().get(0).sessions());
        assertEquals(4, changes.get(), "each session that begins or ends is a change");
        svc.stop();
        assertEquals(ChannelState.State.OFF, svc.channels().get(0).state());
        assertEquals(5, changes.get());
    }

    @Test
    void commandPolicyListsEnabledAndDisabledWhateverTheFrozenState() throws Exception {
        FakeTransport t = new FakeTransport();
        QgaService svc = service(t, "v");
        svc.start(ctx(Map.of("block-rpcs", "guest-exec;guest-file-open")));
        QgaService.Commands c = svc.commands().orElseThrow();
        assertTrue(c.disabled().containsAll(List.of("guest-exec", "guest-file-open")), c.disabled().toString());
        assertTrue(c.enabled().contains("guest-ping") && c.enabled().contains("__org.guestd_guest-get-memory-stats"));
        assertFalse(c.enabled().contains("guest-exec"));
        assertEquals(QgaService.commandNames().size(), c.enabled().size() + c.disabled().size());
        assertTrue(c.disabled().contains("guest-fsfreeze-freeze"), "no freeze feature here: unsupported, so disabled");
    }
}
