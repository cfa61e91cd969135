// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.guestd.host.hyperv.ChildLauncher;
import org.guestd.host.vmbus.FcopyHost;
import org.guestd.host.vmbus.IcMessages;
import org.guestd.host.vmbus.UioHostEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/guestd} serving Hyper-V file copy over an emulated {@code uio_hv_generic} device
 * ({@code --fcopy-uio-device fd:3,4}, the descriptors inherited): a copy end to end through the
 * real agent, then the agent's idle cost with the device open, measured over 10 s (a measurement,
 * not a wait for something to happen): the event loop that holds the device wakes at most once,
 * and on JDK 17 all threads together at most once a second (JDK 25's service thread alone wakes
 * once a second, device or not; its figure is printed).
 */
class FcopyUioIdleIT {
    static final int WINDOW_SECONDS = 10;

    @Test
    void servesACopyAndIdlesWithTheDeviceOpen(@TempDir Path tmp) throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(state.resolve("guestd.conf"), AgentProcess.SAFE_CONFIG);
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        try (UioHostEmulator emu = new UioHostEmulator(UioHostEmulator.FCOPY_RING_SIZE,
                UioHostEmulator.Kernel.USER_OWNS_MASK)) {
            ChildLauncher.Child agent = ChildLauncher.spawn(List.of(AgentProcess.REPO.resolve("bin/guestd").toString(),
                    "-m", "unix-listen", "-p", state.resolve("qga.sock").toString(), "-t", state.toString(),
                    "--kvp-device", "off", "--vss-device", "off", "--fcopy-uio-device", "fd:3,4"),
                    Map.of("PATH", javaBin + ":/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME", System.getProperty("java.home"),
                            "GUESTD_CONF", state.resolve("guestd.conf").toString(), "LANG", "C.UTF-8"),
                    Map.of(emu.guestMapFd(), 3, emu.guestEventFd(), 4), state.resolve("guestd.log"));
            emu.closeGuestEnd();
            try {
                FcopyHost host = new FcopyHost(emu, Duration.ofSeconds(60)); // the first reply waits for the JVM
                assertEquals(0, IcMessages.status(host.negotiate()), log(state));
                byte[] content = new byte[100_000];
                new Random(4).nextBytes(content);
                assertEquals(0, host.copy("copied.bin", root.toString(), 0, content));
                assertArrayEquals(content, Files.readAllBytes(root.resolve("copied.bin")));
                Thread.sleep(2000); // let start-up work (class loading, the first periodic tasks) settle
                long before = contextSwitches(agent.pid(), null);
                long ioBefore = contextSwitches(agent.pid(), "guestd-io");
                Thread.sleep(WINDOW_SECONDS * 1000L);
                long after = contextSwitches(agent.pid(), null);
                long io = contextSwitches(agent.pid(), "guestd-io") - ioBefore;
                double perSecond = (after - before) / (double) WINDOW_SECONDS;
                String jdk = System.getProperty("java.specification.version");
                System.out.printf("guestd idle with a UIO fcopy device open (JDK %s): %.1f wake-ups/s over %d s, %d of"
                        + " them the event loop's%n", jdk, perSecond, WINDOW_SECONDS, io);
                assertTrue(io <= 1, "the event loop holding the UIO device woke " + io + " times while idle");
                if (jdk.equals("17")) { // JDK 25's own service thread wakes once a second, with or without guestd's work
                    assertTrue(perSecond <= 1.0, "idle wake-ups " + perSecond + "/s");
                }
                assertTrue(agent.isAlive());
            } finally {
                agent.stop(Duration.ofSeconds(10));
            }
        }
    }

    /** Voluntary + involuntary context switches of every thread of {@code pid} (or of those named {@code comm}). */
    static long contextSwitches(int pid, String comm) throws IOException {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (comm != null && !Files.readString(t.resolve("comm")).trim().equals(comm)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return total;
    }

    private static String log(Path state) {
        try {
            return Files.readString(state.resolve("guestd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
