// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.xen.XsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/guestd} on an emulated Xen guest's xenbus device ({@link XenAgent}): the keys a
 * toolstack reads, an address change within a second, control/shutdown, every fault policy of
 * the emulator survived (the agent keeps serving, and its QGA socket keeps answering), and the
 * idle cost with the channel open.
 */
class XenAgentIT {
    /** The first batch waits for the JVM to start. */
    static final Duration START = Duration.ofSeconds(60);
    static final Duration SOON = Duration.ofSeconds(15);
    static final int IDLE_WINDOW_SECONDS = 20;

    private static long count(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).count();
    }

    private static long requests(XenAgent a, int type, String path) {
        return a.conn.received().stream().filter(m -> m.type() == type && !m.parts().isEmpty()
                && m.parts().get(0).equals(path)).count();
    }

    private static void qgaAnswers(XenAgent a) throws Exception {
        try (QgaClient c = QgaClient.connect(a.state.resolve("qga.sock"), Duration.ofSeconds(30))) {
            assertTrue(c.execute("guest-ping").hasReturn(), "QGA still answers");
        }
    }

    @Test
    void keysAddressChangesShutdownAndSurvivableFaults(@TempDir Path dir) throws Exception {
        XenAgent.assumeNamespaces();
        try (XenAgent a = XenAgent.start(dir, false, "")) {
            Map<String, String> k = a.await("the first batch", START, h -> h.containsKey("data/updated")
                    && h.containsKey("attr/vif/0/ipv4/0") && h.containsKey("data/meminfo_free") && h.containsKey("data/os_name"));
            assertEquals("1", k.get("attr/PVAddons/Installed"));
            String[] v = Version.get().split("[^0-9.]", 2)[0].split("\\.");
            assertEquals(v[0], k.get("attr/PVAddons/MajorVersion"), "guestd " + Version.get());
            assertEquals(v[1], k.get("attr/PVAddons/MinorVersion"), "guestd " + Version.get());
            assertEquals("xentest", k.get("data/os_distro"));
            assertEquals("Xen Test Linux 7.3 (it)", k.get("data/os_name"));
            assertEquals("7", k.get("data/os_majorver"));
            assertEquals("3", k.get("data/os_minorver"));
            assertTrue(k.get("data/os_uname").matches("\\d+\\.\\d+.*"), k.get("data/os_uname"));
            assertEquals("127.0.0.1", k.get("attr/vif/0/ipv4/0"));
            assertTrue(Long.parseLong(k.get("data/meminfo_total")) > Long.parseLong(k.get("data/meminfo_free")));
            assertNull(k.get("control/feature-balloon"), "libxl's read-only control/");
            assertEquals(1, count(a.log(), "control/feature-balloon is not writable"), a.log());

            // an address change shows within a second (rtnetlink → interface facts → one batch)
            long t0 = System.nanoTime();
            a.ip("addr", "add", "192.0.2.77/32", "dev", "lo");
            a.await("the new address", SOON, h -> h.containsValue("192.0.2.77"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("xen: an address added in the guest was in xenstore after %d ms%n", ms);
            assertTrue(ms <= 1000, "address change → xenstore took " + ms + " ms");
            a.ip("addr", "del", "192.0.2.77/32", "dev", "lo");
            a.await("the address's removal", SOON, h -> !h.containsValue("192.0.2.77"));

            // control/shutdown: the emulated kernel advertised nothing, so guestd answers (auto)
            a.xs.faults().commitEagain.set(4);
            a.xs.write("control/shutdown", "reboot");
            a.await("the acknowledgement", SOON, h -> "".equals(h.get("control/shutdown")));
            waitFor(() -> a.powerActions().equals(List.of("reboot")), a);

            // EACCES on control/: the acknowledgement is refused, nothing is done; one warning
            a.xs.faults().eaccesUnder = "control";
            a.xs.write("control/shutdown", "poweroff");
            waitFor(() -> count(a.log(), "could not be read and acknowledged") == 1, a);
            a.xs.faults().eaccesUnder = null;
            assertEquals(List.of("reboot"), a.powerActions());

            // E2BIG on every write: the keys fail, the agent goes on; written once the store takes them again
            a.xs.faults().e2bigOnWrite = true;
            a.ip("addr", "add", "198.51.100.1/32", "dev", "lo");
            waitFor(() -> requests(a, XsWire.WRITE, "data/updated") >= 1 && a.conn.received().stream()
                    .anyMatch(m -> m.type() == XsWire.WRITE && m.parts().size() > 1 && m.parts().get(1).equals("198.51.100.1")), a);
            a.xs.faults().e2bigOnWrite = false;
            a.ip("addr", "add", "198.51.100.2/32", "dev", "lo");
            a.await("both addresses", SOON, h -> h.containsValue("198.51.100.1") && h.containsValue("198.51.100.2"));

            // frames of an unknown type before every reply, and replies held back and reversed
            a.xs.faults().unknownTypeBeforeReplies = true;
            a.xs.faults().repliesOutOfOrder = true;
            a.ip("addr", "add", "198.51.100.3/32", "dev", "lo");
            a.await("an address under odd replies", SOON, h -> h.containsValue("198.51.100.3"));
            a.xs.faults().unknownTypeBeforeReplies = false;
            a.xs.faults().repliesOutOfOrder = false;
            waitFor(() -> count(a.log(), "a message of unknown type") == 1, a); // logged once per connection

            // a watch storm on both watched nodes: answered with a few requests, no republishing
            int before = a.conn.requestCount();
            long installed = requests(a, XsWire.WRITE, "attr/PVAddons/Installed");
            a.xs.watchStorm("control/shutdown", 2000);
            a.xs.watchStorm("unique-domain-id", 2000);
            a.ip("addr", "add", "198.51.100.4/32", "dev", "lo");
            a.await("an address after the storm", SOON, h -> h.containsValue("198.51.100.4"));
            int during = a.conn.requestCount() - before;
            System.out.printf("xen: a storm of 4000 watch events cost %d requests%n", during);
            assertTrue(during < 400, during + " requests for 4000 events");
            assertEquals(installed, requests(a, XsWire.WRITE, "attr/PVAddons/Installed"), "no republishing");
            waitFor(() -> a.powerActions().equals(List.of("reboot", "poweroff")), a); // the request EACCES kept pending, once

            // a migration: everything again at once
            a.xs.resume(true, "a6c1b7e2-0000-4000-8000-000000000002");
            Map<String, String> after = a.await("everything again", SOON, h -> h.containsKey("attr/PVAddons/Installed")
                    && h.containsKey("data/os_name") && h.containsValue("198.51.100.4") && h.containsKey("data/updated"));
            assertEquals(k.get("data/os_name"), after.get("data/os_name"));
            assertTrue(a.conn.violations().isEmpty(), a.conn.violations().toString());
            assertTrue(a.child.isAlive());
            qgaAnswers(a);
        }
    }

    @Test
    void aGarbageFrameOrTheDeviceGoingAwayDoesNotEndTheAgent(@TempDir Path dir) throws Exception {
        XenAgent.assumeNamespaces();
        for (String fault : List.of("garbage", "closing")) {
            try (XenAgent a = XenAgent.start(dir.resolve(fault), true, "")) {
                a.await("the first batch", START, h -> h.containsKey("data/updated"));
                assertEquals("1", a.xs.read("control/feature-balloon"), "XenServer's writable control/");
                if (fault.equals("garbage")) {
                    a.xs.faults().garbageBeforeNextReply = true;
                    a.ip("addr", "add", "192.0.2.9/32", "dev", "lo");
                } else {
                    a.xs.closeConnections();
                }
                waitFor(() -> !a.conn.isOpen() && count(a.log(), "no further connection") == 1, a);
                qgaAnswers(a);
                assertTrue(a.child.isAlive(), fault + " ended the agent:\n" + a.log());
                int status = a.child.stop(Duration.ofSeconds(10));
                assertEquals(0, status, "SIGTERM → exit 0 after " + fault + " (wait status " + status + ")\n" + a.log());
            }
        }
    }

    /**
     * The idle cost with the channel open, measured over {@link #IDLE_WINDOW_SECONDS} after start-up
     * settled (a measurement, not a wait for something): wake-ups are voluntary context switches (a
     * thread that slept was woken; preemptions by other processes on a busy machine are not
     * wake-ups), of every thread. The channel's own share is the event loop's; the rest are the fact
     * sources that run while a channel listens (memory every 5 s, the others every minute), the
     * clock healer (10 s) and the JVM. The C1 compiler thread is counted apart: it compiles what
     * those periodic reads make hot, a warm-up whose tail lasts many minutes (a method called once
     * per 5 s sample reaches C1's threshold of 200 calls after about 17 minutes), not a steady cost.
     */
    @Test
    void idleWithTheXenChannelOpen(@TempDir Path dir) throws Exception {
        XenAgent.assumeNamespaces();
        try (XenAgent a = XenAgent.start(dir, true, "")) {
            a.await("the first batch", START, h -> h.containsKey("data/updated") && h.containsKey("attr/vif/0/ipv4/0"));
            // start-up work (class loading, compilation, the first periodic reads) settles; -Dxen.idle.settle=MILLIS
            Thread.sleep(Long.getLong("xen.idle.settle", 8000));
            int requestsBefore = a.conn.requestCount();
            long allBefore = FcopyUioIdleIT.contextSwitches(a.child.pid(), null);
            Map<String, Long> before = perThread(a.child.pid());
            Thread.sleep(IDLE_WINDOW_SECONDS * 1000L);
            Map<String, Long> after = perThread(a.child.pid());
            long all = FcopyUioIdleIT.contextSwitches(a.child.pid(), null) - allBefore;
            int requests = a.conn.requestCount() - requestsBefore;
            long wakeups = 0;
            long io = 0;
            long jit = 0;
            StringBuilder threads = new StringBuilder();
            for (Map.Entry<String, Long> e : after.entrySet()) {
                long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                if (e.getKey().startsWith("C1 CompilerThre") || e.getKey().startsWith("C2 CompilerThre")) {
                    jit += d;
                } else {
                    wakeups += d;
                }
                if (e.getKey().startsWith("guestd-io/")) {
                    io += d;
                }
                if (d > 0) {
                    threads.append(' ').append(e.getKey().replaceAll("/\\d+$", "")).append('=').append(d);
                }
            }
            double perSecond = wakeups / (double) IDLE_WINDOW_SECONDS;
            String jdk = System.getProperty("java.specification.version");
            System.out.printf("guestd idle with the Xen channel open (JDK %s): %.2f wake-ups/s over %d s, the event loop"
                    + " %d, xenstore requests %d; JIT warm-up %d more, %d context switches with preemptions;%s%n", jdk,
                    perSecond, IDLE_WINDOW_SECONDS, io, requests, jit, all, threads);
            assertTrue(requests <= 4, requests + " xenstore requests while idle");
            // the loop: a reply per request, and the memory fact's hop every 10 s (kept out of the store by the rate limit)
            assertTrue(io <= 2L * requests + IDLE_WINDOW_SECONDS / 10 + 1, "the event loop woke " + io + " times for "
                    + requests + " requests");
            if (jdk.equals("17")) { // JDK 25's service thread wakes once a second on its own (FcopyUioIdleIT)
                assertTrue(perSecond <= 1.0, "idle wake-ups " + perSecond + "/s:" + threads);
            }
        }
    }

    /**
     * Voluntary context switches per thread (name/tid) of {@code pid}: how often each thread went to
     * sleep, i.e. was woken (involuntary switches are preemptions, which a loaded machine adds).
     */
    static Map<String, Long> perThread(int pid) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            out.put(Files.readString(t.resolve("comm")).trim() + "/" + t.getFileName(),
                                    Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
                        }
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        }
        return out;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c, XenAgent a) throws Exception {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; agent log:\n" + a.log());
            }
            Thread.sleep(10);
        }
    }
}
