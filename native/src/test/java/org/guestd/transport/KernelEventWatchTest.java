// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The address-change watch on a real rtnetlink socket. The change is made in a private network
 * namespace ({@code unshare -n}, root only): a child JVM watches there and adds an address to its
 * own loopback, so this machine's network is never touched.
 */
class KernelEventWatchTest {
    /**
     * Runs in the child, inside its own network namespace, on a {@link ManualTimer}: the netlink
     * socket and its epoll registration are real, the debounce delay is virtual, so each step is
     * checked when the loop has handled what the kernel queued, not after a pause.
     */
    public static void main(String[] args) throws Exception {
        ManualTimer timer = new ManualTimer();
        try (IoLoop loop = timer.newLoop()) {
            AtomicInteger calls = new AtomicInteger();
            try (KernelEventWatch w = KernelEventWatch.addressChanges(loop, calls::incrementAndGet)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!loop.eventLoop().submit(w::watching).get(5, TimeUnit.SECONDS)) { // hang guard only
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("never registered");
                    }
                }
                timer.settle();
                // the loop went round with the socket in its epoll set: nothing read, nothing scheduled
                System.out.println("QUIET " + (timer.scheduled() == 0 && calls.get() == 0));
                // each ip(8) returns after the kernel queued its notifications on the watch's socket
                run("ip", "link", "set", "lo", "up");
                run("ip", "addr", "add", "10.9.8.7/24", "dev", "lo");
                run("ip", "addr", "add", "fd00::7/64", "dev", "lo");
                timer.settle(); // the loop drained them
                System.out.println("SCHEDULED " + timer.scheduled() + " " + timer.pendingDelays() + " CALLS " + calls.get());
                System.out.println("EARLY " + timer.advance(KernelEventWatch.DEBOUNCE_MS - 1) + " CALLS " + calls.get());
                System.out.println("DUE " + timer.advance(1) + " CALLS " + calls.get() + " LEFT " + timer.pendingDelays());
            }
        }
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed");
        }
    }

    @Test
    void anAddressChangeIsReportedOnceAfterTheBurst() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for unshare -n");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/ip"))
                || Files.isExecutable(Path.of("/bin/ip")), "needs unshare and ip (util-linux, iproute2)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder("unshare", "-n", "--", java.toString(), "-cp",
                System.getProperty("java.class.path"), KernelEventWatchTest.class.getName())
                .redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
            }
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join("\n", out));
        assertTrue(out.contains("QUIET true"), "no event without a change: " + out);
        assertTrue(out.contains("SCHEDULED 1 [" + KernelEventWatch.DEBOUNCE_MS + "] CALLS 0"),
                "the burst of changes starts one debounce and calls nothing yet: " + out);
        assertTrue(out.contains("EARLY 0 CALLS 0"), "no callback before the debounce delay: " + out);
        assertTrue(out.contains("DUE 1 CALLS 1 LEFT []"), "the burst of three changes is one callback: " + out);
    }
}
