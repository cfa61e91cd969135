// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.guestd.core.AgentException;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.AgentFact;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.HostNameFact;
import org.guestd.core.facts.InterfaceFact;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.facts.OsFact;
import org.guestd.core.facts.VolumeFact;
import org.guestd.core.spi.Availability;
import org.guestd.core.status.ChannelState;
import org.guestd.core.testing.FakeClock;
import org.guestd.core.testing.TestContext;
import org.guestd.host.xen.XenbusConnection;
import org.guestd.host.xen.Xenstored;
import org.guestd.host.xen.XsWire;
import org.guestd.shutdown.PowerControl;
import org.guestd.transport.IoLoop;
import org.guestd.transport.Transport;
import org.guestd.transport.XenbusTransport;
import org.guestd.xen.client.XenstoreClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Xen channel in-process against the xenstored emulator (each device open a socketpair on the real
 * XenbusTransport): facts → keys, changes, stale entries, the memory rate limit, resume and
 * migration, control/shutdown, refusals. "Nothing was written" is shown by a later change that is
 * written: requests are answered in order, so what came before it was decided already.
 */
class XenServiceTest {
    static final int DOMID = 5;
    private IoLoop loop;
    private Xenstored xs;
    private FactPublisher facts;
    private XenService service;
    private final FakeClock clock = new FakeClock(1_700_000_000_000_000_000L);
    private final List<XenbusConnection> opened = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<PowerControl.PowerAction> actions = new LinkedBlockingQueue<>();
    private final AtomicInteger clockChecks = new AtomicInteger();

    private final PowerControl power = new PowerControl() {
        @Override
        public void shutdown(PowerAction action, String requester) {
            assertEquals("xen", requester);
            actions.add(action);
        }

        @Override
        public void suspend(SuspendMode mode, String requester) {
            throw new AssertionError("no suspend through Xen");
        }
    };

    @BeforeEach
    void setUp() {
        loop = IoLoop.create();
        facts = new FactPublisher();
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop();
        }
        if (xs != null) {
            xs.close();
        }
        loop.close();
    }

    private void start(boolean controlWritable, Map<String, String> xenConfig) throws Exception {
        if (xs == null) {
            xs = new Xenstored(DOMID, "guest", controlWritable);
        }
        service = new XenService((option, paths) -> Optional.of(new XenstoreClient.Connector() {
            @Override
            public Transport next() throws IOException {
                XenbusConnection c = xs.connect();
                opened.add(c);
                return new XenbusTransport(c.handOver(), loop);
            }

            @Override
            public String describe() {
                return "emulator";
            }
        }), loop.eventLoop(), facts, power, clockChecks::incrementAndGet,
                new XenstoreClient.Options(Duration.ofSeconds(10), 4080, 32, 20, 200, 1));
        service.start(new TestContext("xen").config(xenConfig).clock(clock));
    }

    private void putBaseFacts() {
        facts.put(FactKind.AGENT, FactKind.SINGLE, new AgentFact("guestd", "1.4.2"));
        facts.put(FactKind.OS, FactKind.SINGLE, new OsFact("debian", "Debian GNU/Linux",
                "Debian GNU/Linux 12 (bookworm)", "12.7", "12 (bookworm)", "6.1.0-99-amd64", "#1 SMP", "x86_64"));
        facts.put(FactKind.MEMORY, FactKind.SINGLE, MemoryFact.basic(2048L << 20, 100L << 20, 1024L << 20));
        facts.put(FactKind.INTERFACE, "eth0", new InterfaceFact("eth0", "00:16:3e:00:00:10", "device/vif/0",
                List.of("192.0.2.10"), List.of("2001:db8::10", "fe80::216:3eff:fe00:10")));
        facts.put(FactKind.INTERFACE, "lo", new InterfaceFact("lo", null, null, List.of("127.0.0.1"), List.of("::1")));
        facts.put(FactKind.VOLUME, "/", new VolumeFact("/dev/xvda1", "/", "ext4", 10_000_000L, 4_000_000L,
                "device/vbd/51712"));
        facts.put(FactKind.HOST_NAME, FactKind.SINGLE, new HostNameFact("g1"));
    }

    private void vbdBackend() {
        xs.write("device/vbd/51712/backend", "/local/domain/0/backend/vbd/" + DOMID + "/51712");
        xs.write("/local/domain/0/backend/vbd/" + DOMID + "/51712/dev", "xvda");
        xs.setPerms("/local/domain/0/backend/vbd/" + DOMID + "/51712/dev", "n0", "r" + DOMID);
    }

    private Map<String, String> await(String what, Predicate<Map<String, String>> ok) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, String> home;
        while (!ok.test(home = xs.dumpHome())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; store: " + home);
            }
            Thread.sleep(10);
        }
        return home;
    }

    private List<String> writesTo(String path) {
        List<String> out = new ArrayList<>();
        for (XenbusConnection c : opened) {
            for (XsWire.Msg m : c.received()) {
                if ((m.type() == XsWire.WRITE || m.type() == XsWire.RM) && m.parts().get(0).equals(path)) {
                    out.add(m.type() == XsWire.WRITE ? "write " + m.parts().get(1) : "rm");
                }
            }
        }
        return out;
    }

    @Test
    void everyKeyFromTheFacts() throws Exception {
        xs = new Xenstored(DOMID, "guest", true);
        vbdBackend();
        putBaseFacts();
        start(true, Map.of());
        Map<String, String> k = await("data/updated", h -> h.containsKey("data/updated") && h.containsKey("data/volumes/0/free"));
        assertEquals("1", k.get("attr/PVAddons/Installed"));
        assertEquals("1", k.get("attr/PVAddons/MajorVersion"));
        assertEquals("4", k.get("attr/PVAddons/MinorVersion"));
        assertEquals("2", k.get("attr/PVAddons/MicroVersion"));
        assertEquals("0", k.get("attr/PVAddons/BuildVersion"));
        assertEquals("1", k.get("control/feature-balloon"));
        assertEquals("debian", k.get("data/os_distro"));
        assertEquals("Debian GNU/Linux 12 (bookworm)", k.get("data/os_name"));
        assertEquals("12", k.get("data/os_majorver"));
        assertEquals("7", k.get("data/os_minorver"));
        assertEquals("6.1.0-99-amd64", k.get("data/os_uname"));
        assertEquals("2097152", k.get("data/meminfo_total"));
        assertEquals("1048576", k.get("data/meminfo_free"), "free = MemAvailable, kB");
        assertEquals("192.0.2.10", k.get("attr/vif/0/ipv4/0"));
        assertEquals("2001:db8::10", k.get("attr/vif/0/ipv6/0"));
        assertEquals("fe80::216:3eff:fe00:10", k.get("attr/vif/0/ipv6/1"));
        assertEquals("/dev/xvda1", k.get("data/volumes/0/name"));
        assertEquals("10000000", k.get("data/volumes/0/size"));
        assertEquals("xvda", k.get("data/volumes/0/extents/0"), "the vbd backend's name of the disk");
        assertEquals("/", k.get("data/volumes/0/mount_points/0"));
        assertEquals("ext4", k.get("data/volumes/0/filesystem"));
        assertEquals("4000000", k.get("data/volumes/0/free"));
        assertTrue(k.get("data/updated").matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] \\d\\d:\\d\\d:\\d\\d \\d{4}"),
                k.get("data/updated"));
        assertFalse(k.keySet().stream().anyMatch(p -> p.contains("127.0.0.1") || k.get(p).equals("127.0.0.1")),
                "the loopback has no vif");
        assertEquals(1, writesTo("data/updated").size(), "one batch, one data/updated: " + writesTo("data/updated"));
        assertTrue(opened.get(0).violations().isEmpty(), opened.get(0).violations().toString());
    }

    @Test
    void changesWriteOnlyWhatChangedAndWithdrawalsRemove() throws Exception {
        xs = new Xenstored(DOMID, "guest", true);
        vbdBackend();
        putBaseFacts();
        facts.put(FactKind.VOLUME, "/srv", new VolumeFact("/dev/xvdb", "/srv", "xfs", 5000L, 100L, null));
        start(true, Map.of());
        await("first batch", h -> h.containsKey("data/volumes/1/name") && h.containsKey("data/updated"));
        String os = "data/os_name";
        // an address added: one new slot; the others stay where they are
        facts.put(FactKind.INTERFACE, "eth0", new InterfaceFact("eth0", "00:16:3e:00:00:10", "device/vif/0",
                List.of("198.51.100.7", "192.0.2.10"), List.of("2001:db8::10", "fe80::216:3eff:fe00:10")));
        Map<String, String> k = await("the new address", h -> "198.51.100.7".equals(h.get("attr/vif/0/ipv4/1")));
        assertEquals("192.0.2.10", k.get("attr/vif/0/ipv4/0"), "the old address kept its slot");
        assertEquals(List.of("write 192.0.2.10"), writesTo("attr/vif/0/ipv4/0"));
        // the first address removed: its key goes, the other keeps slot 1
        facts.put(FactKind.INTERFACE, "eth0", new InterfaceFact("eth0", "00:16:3e:00:00:10", "device/vif/0",
                List.of("198.51.100.7"), List.of("2001:db8::10")));
        k = await("removals", h -> !h.containsKey("attr/vif/0/ipv4/0") && !h.containsKey("attr/vif/0/ipv6/1"));
        assertEquals("198.51.100.7", k.get("attr/vif/0/ipv4/1"));
        // a volume unmounted: its whole subtree goes with one RM
        facts.remove(FactKind.VOLUME, "/srv");
        k = await("the volume's removal", h -> h.keySet().stream().noneMatch(p -> p.startsWith("data/volumes/1")));
        assertEquals("/dev/xvda1", k.get("data/volumes/0/name"));
        // the vif's interface withdrawn: attr/vif/0 goes
        facts.remove(FactKind.INTERFACE, "eth0");
        await("the vif's removal", h -> h.keySet().stream().noneMatch(p -> p.startsWith("attr/vif/0")));
        assertEquals(List.of("write Debian GNU/Linux 12 (bookworm)"), writesTo(os), "unchanged keys are not written again");
        assertTrue(writesTo("data/updated").size() >= 4, "data/updated after each batch");
        assertTrue(opened.get(0).violations().isEmpty(), opened.get(0).violations().toString());
    }

    @Test
    void staleEntriesOfAnEarlierRunAreRemovedAtStart() throws Exception {
        xs = new Xenstored(DOMID, "guest", true);
        xs.write("attr/vif/3/ipv4/0", "10.9.9.9");          // a vif that is gone
        xs.write("attr/vif/0/ipv4/0", "192.0.2.10");        // still true: kept (written once more)
        xs.write("attr/vif/0/ipv4/4", "10.1.1.1");          // an address that is gone
        xs.write("attr/vif/0/ipv6/0", "2001:db8::99");      // replaced
        xs.write("data/volumes/3/name", "/dev/xvdq");       // a volume that is gone
        xs.write("data/volumes/0/name", "/dev/old");        // overwritten
        vbdBackend();
        putBaseFacts();
        start(true, Map.of());
        Map<String, String> k = await("the first batch", h -> h.containsKey("data/updated"));
        assertNull(k.get("attr/vif/3/ipv4/0"));
        assertFalse(k.keySet().stream().anyMatch(p -> p.startsWith("attr/vif/3")), k.toString());
        assertNull(k.get("attr/vif/0/ipv4/4"));
        assertEquals("192.0.2.10", k.get("attr/vif/0/ipv4/0"));
        assertEquals("2001:db8::10", k.get("attr/vif/0/ipv6/0"));
        assertFalse(k.keySet().stream().anyMatch(p -> p.startsWith("data/volumes/3")), k.toString());
        assertEquals("/dev/xvda1", k.get("data/volumes/0/name"));
    }

    @Test
    void freeMemoryChangesAtMostOncePerInterval() throws Exception {
        xs = new Xenstored(DOMID, "guest", true);
        putBaseFacts();
        start(true, Map.of("memory-interval", "60"));
        await("the first batch", h -> "1048576".equals(h.get("data/meminfo_free")) && h.containsKey("data/updated"));
        clock.advance(TimeUnit.SECONDS.toNanos(10));
        facts.put(FactKind.MEMORY, FactKind.SINGLE, MemoryFact.basic(2048L << 20, 90L << 20, 1000L << 20));
        facts.put(FactKind.OS, FactKind.SINGLE, new OsFact("debian", null, "Later", "12.8", null, "6.1.0-99-amd64", null, null));
        Map<String, String> k = await("the OS change", h -> "Later".equals(h.get("data/os_name")));
        assertEquals("1048576", k.get("data/meminfo_free"), "10 s after the last: not written");
        clock.advance(TimeUnit.SECONDS.toNanos(51));
        facts.put(FactKind.MEMORY, FactKind.SINGLE, MemoryFact.basic(2048L << 20, 80L << 20, 900L << 20));
        await("the new free figure", h -> "921600".equals(h.get("data/meminfo_free")));
        // a balloon resizing the guest: the total (and with it free) at once
        clock.advance(TimeUnit.SECONDS.toNanos(1));
        facts.put(FactKind.MEMORY, FactKind.SINGLE, MemoryFact.basic(1024L << 20, 80L << 20, 500L << 20));
        k = await("the new total", h -> "1048576".equals(h.get("data/meminfo_total")));
        assertEquals("512000", k.get("data/meminfo_free"));
    }

    @Test
    void aResumeIntoANewDomainRepublishesEverythingAndChecksTheClock() throws Exception {
        xs = new Xenstored(DOMID, "guest", true);
        putBaseFacts();
        start(true, Map.of());
        Map<String, String> before = await("the first batch", h -> h.containsKey("data/updated"));
        // a resume on the same store (a checkpoint): the watches fire again, nothing is lost, nothing rewritten
        xs.resume(false, null);
        clock.advance(TimeUnit.SECONDS.toNanos(5));
        facts.put(FactKind.HOST_NAME, FactKind.SINGLE, new HostNameFact("barrier"));
        facts.put(FactKind.OS, FactKind.SINGLE, new OsFact("debian", null, "Barrier", "12.7", null, "6.1.0-99-amd64", null, null));
        String stamp = before.get("data/updated");
        await("the barrier and its data/updated", h -> "Barrier".equals(h.get("data/os_name"))
                && h.containsKey("data/updated") && !stamp.equals(h.get("data/updated")));
        assertEquals(List.of("write 1"), writesTo("attr/PVAddons/Installed"));
        assertEquals(0, clockChecks.get());
        // xl save + xl restore: a new directory, without guestd's keys
        xs.resume(true, null);
        Map<String, String> after = await("everything again", h -> h.containsKey("data/updated")
                && h.containsKey("attr/vif/0/ipv4/0") && h.containsKey("attr/PVAddons/MajorVersion")
                && h.containsKey("data/os_name") && h.containsKey("data/meminfo_free") && h.containsKey("data/volumes/0/name"));
        assertEquals(2, writesTo("attr/PVAddons/Installed").size());
        assertEquals(1, clockChecks.get(), "the clock is checked after a resume");
        for (String key : List.of("attr/PVAddons/MajorVersion", "attr/vif/0/ipv4/0", "data/meminfo_total", "data/os_uname")) {
            assertEquals(before.get(key), after.get(key), key);
        }
    }

    @Test
    void aMigrationIsToldByANewUniqueDomainId() throws Exception {
        xs = new Xenstored(DOMID, "guest", true);
        xs.setUniqueDomainId("0d6e3f5a-0000-0000-0000-000000000001");
        putBaseFacts();
        start(true, Map.of());
        await("the first batch", h -> h.containsKey("data/updated"));
        // a migration whose new host copied guestd's keys: only the new id tells
        xs.setUniqueDomainId("0d6e3f5a-0000-0000-0000-000000000002");
        await("everything again", h -> writesTo("attr/PVAddons/Installed").size() == 2);
        assertEquals(1, clockChecks.get());
    }

    @Test
    void controlShutdownIsAnsweredWhenTheKernelDoesNot() throws Exception {
        xs = new Xenstored(DOMID, "guest", false);
        start(false, Map.of());
        await("the shutdown watch", h -> opened.size() == 1 && opened.get(0).received().stream()
                .anyMatch(m -> m.type() == XsWire.WATCH && m.parts().get(0).equals("control/shutdown")));
        xs.write("control/shutdown", "suspend");   // not guestd's: left as it is
        xs.write("control/shutdown", "reboot");
        assertEquals(PowerControl.PowerAction.REBOOT, actions.poll(10, TimeUnit.SECONDS));
        await("the acknowledgement", h -> "".equals(h.get("control/shutdown")));
        assertTrue(actions.isEmpty(), "suspend was not acted on: " + actions);
        // conflicting commits are retried: acted on once
        xs.faults().commitEagain.set(3);
        xs.write("control/shutdown", "halt");
        assertEquals(PowerControl.PowerAction.POWERDOWN, actions.poll(10, TimeUnit.SECONDS), "halt powers off, as manage.c");
        await("the acknowledgement", h -> "".equals(h.get("control/shutdown")));
        xs.write("control/shutdown", "poweroff");
        assertEquals(PowerControl.PowerAction.POWERDOWN, actions.poll(10, TimeUnit.SECONDS));
        assertTrue(actions.isEmpty(), actions.toString());
        assertFalse(opened.get(0).received().stream().anyMatch(m -> m.type() == XsWire.WATCH
                && m.parts().get(0).equals("control/sysrq")), "control/sysrq stays the kernel's");
    }

    @Test
    void controlShutdownIsLeftToAKernelThatAdvertisedIt() throws Exception {
        xs = new Xenstored(DOMID, "guest", false);
        xs.write("control/feature-poweroff", "1");
        putBaseFacts();
        start(false, Map.of());
        await("the first batch", h -> h.containsKey("data/updated"));
        xs.write("control/shutdown", "poweroff");
        facts.put(FactKind.OS, FactKind.SINGLE, new OsFact("debian", null, "Barrier", "12.7", null, "6.1.0-99-amd64", null, null));
        await("the barrier", h -> "Barrier".equals(h.get("data/os_name")));
        assertEquals("poweroff", xs.read("control/shutdown"), "not acknowledged by guestd");
        assertTrue(actions.isEmpty());
        assertFalse(opened.get(0).received().stream().anyMatch(m -> m.type() == XsWire.WATCH
                && m.parts().get(0).equals("control/shutdown")));
    }

    @Test
    void handleShutdownYesAnswersEvenWhenTheKernelAdvertised() throws Exception {
        xs = new Xenstored(DOMID, "guest", false);
        xs.write("control/feature-poweroff", "1");
        start(false, Map.of("handle-shutdown", "yes"));
        await("the shutdown watch", h -> opened.size() == 1 && opened.get(0).received().stream()
                .anyMatch(m -> m.type() == XsWire.WATCH && m.parts().get(0).equals("control/shutdown")));
        xs.write("control/shutdown", "poweroff");
        assertEquals(PowerControl.PowerAction.POWERDOWN, actions.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aReadOnlyControlDirectoryIsRefusedOnceNotRetried() throws Exception {
        xs = new Xenstored(DOMID, "guest", false); // libxl: control/ read-only to the guest
        putBaseFacts();
        start(false, Map.of());
        await("the first batch", h -> h.containsKey("data/updated"));
        for (int i = 0; i < 3; i++) {
            facts.put(FactKind.OS, FactKind.SINGLE, new OsFact("debian", null, "N" + i, "12", null, "6.1", null, null));
            String want = "N" + i;
            await("change " + i, h -> want.equals(h.get("data/os_name")));
        }
        assertNull(xs.read("control/feature-balloon"));
        assertEquals(List.of("write 1"), writesTo("control/feature-balloon"), "tried once, not again");
        Map<String, String> k = xs.dumpHome();
        assertNull(k.get("data/os_minorver"), "VERSION_ID 12 has no minor version");
    }

    @Test
    void theChannelStatusFollowsTheConnection() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        xs = new Xenstored(DOMID, "guest", true);
        start(true, Map.of());
        service.onChange(changes::incrementAndGet);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (service.channels().get(0).state() != ChannelState.State.OPEN) {
            assertTrue(System.nanoTime() < deadline, "never connected: " + service.channels());
            Thread.sleep(10);
        }
        assertEquals(ChannelState.open("xen", "emulator", -1, null), service.channels().get(0));
        XenService s = service;
        service = null;
        int before = changes.get();
        s.stop();
        assertEquals(ChannelState.off("xen", "stopped", null), s.channels().get(0));
        assertTrue(changes.get() > before, "the status file is told");
    }

    @Test
    void probeTellsWhyTheChannelIsOff(@TempDir Path root) throws Exception {
        XenService s = new XenService(loop, facts, power, () -> { });
        HostPaths paths = HostPaths.under(root);
        Availability a = s.probe(new TestContext("xen").paths(paths));
        assertFalse(a.isAvailable());
        assertTrue(a.cause().contains("not a Xen guest"), a.cause());
        assertEquals(ChannelState.State.OFF, s.channels().get(0).state());
        assertEquals(a.cause(), s.channels().get(0).reason(), "the status file says why, too");
        assertEquals("--xenbus-device off", s.probe(new TestContext("xen").paths(paths)
                .general(Map.of("xenbus-device", "off"))).cause());
        Files.createDirectories(root.resolve("proc/xen"));
        Files.writeString(root.resolve("proc/xen/xenbus"), "");
        assertTrue(s.probe(new TestContext("xen").paths(paths)).isAvailable(), "/proc/xen/xenbus is enough");
        assertTrue(s.probe(new TestContext("xen").paths(HostPaths.under(root.resolve("none")))
                .general(Map.of("xenbus-device", "fd:7"))).isAvailable());
        Map<String, String> bad = new HashMap<>(Map.of("handle-shutdown", "maybe"));
        Assertions.assertThrows(AgentException.class,
                () -> new XenService(loop, facts, power, () -> { }).start(new TestContext("xen").config(bad).paths(paths)));
    }
}
