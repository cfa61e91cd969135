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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The address-change watch on a real rtnetlink socket. The change is made in a private network
 * namespace ({@code unshare -n}, root only): a child JVM watches there and adds an address to its
 * own loopback, so this machine's network is never touched.
 */
class KernelEventWatchTest {
    /** Runs in the child, inside its own network namespace. */
    public static void main(String[] args) throws Exception {
        try (IoLoop loop = IoLoop.create()) {
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch changed = new CountDownLatch(1);
            try (KernelEventWatch w = KernelEventWatch.addressChanges(loop, () -> {
                calls.incrementAndGet();
                changed.countDown();
            })) {
                Thread.sleep(200); // registered on the loop
                boolean quiet = !changed.await(300, TimeUnit.MILLISECONDS);
                System.out.println("QUIET " + quiet);
                long t0 = System.nanoTime();
                run("ip", "link", "set", "lo", "up");
                run("ip", "addr", "add", "10.9.8.7/24", "dev", "lo");
                run("ip", "addr", "add", "fd00::7/64", "dev", "lo");
                boolean seen = changed.await(5, TimeUnit.SECONDS);
                System.out.println("CHANGED " + seen + " " + (System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(3 * KernelEventWatch.DEBOUNCE_MS);
                System.out.println("CALLS " + calls.get());
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
        assertTrue(out.stream().anyMatch(l -> l.startsWith("CHANGED true")), "change seen: " + out);
        assertTrue(out.contains("CALLS 1"), "the burst of three changes is one callback: " + out);
    }
}
