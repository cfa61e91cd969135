// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.guestd.host.hyperv.ChildLauncher;
import org.guestd.host.xen.XenbusConnection;
import org.guestd.host.xen.Xenstored;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interim runner as a child process on an emulated device handed over as {@code fd:3} (what a
 * harness does with a real agent): it writes its keys, then data/updated; after the device goes
 * away it writes nothing more (an inherited descriptor is not reopened) and still ends on SIGTERM.
 */
class XenMainChildTest {

    @Test
    void childWritesItsKeysThroughAnInheritedDescriptor(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12.9\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "6.1.0-99-amd64\n");
        try (Xenstored xs = new Xenstored(7, "child", false)) {
            XenbusConnection c = xs.connect();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> argv = List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), XenMain.class.getName(), "--xenbus-device", "fd:3",
                    "--root", root.toString());
            try (ChildLauncher.Child child = ChildLauncher.spawn(argv, Map.of(), Map.of(c.guestFd(), 3),
                    dir.resolve("child.log"))) {
                c.closeGuestEnd();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (xs.read("data/updated") == null && System.nanoTime() < deadline && child.isAlive()) {
                    Thread.sleep(50);
                }
                assertNotNull(xs.read("data/updated"), "no data/updated; child log:\n" + Files.readString(dir.resolve("child.log")));
                Map<String, String> home = xs.dumpHome();
                assertEquals("1", home.get("attr/PVAddons/Installed"));
                assertEquals("debian", home.get("data/os_distro"));
                assertEquals("Debian GNU/Linux 12 (bookworm)", home.get("data/os_name"));
                assertEquals("12", home.get("data/os_majorver"));
                assertEquals("9", home.get("data/os_minorver"));
                assertEquals("6.1.0-99-amd64", home.get("data/os_uname"));
                assertEquals(null, home.get("control/feature-balloon"), "libxl's read-only control/: refused softly");
                assertTrue(c.violations().isEmpty(), c.violations().toString());
                int requests = c.requestCount();
                Thread.sleep(500);
                assertEquals(requests, c.requestCount(), "idle: no further requests");
                xs.closeConnections();
                Thread.sleep(500);
                assertTrue(child.isAlive(), "the device going away does not end the agent");
                int status = child.stop(Duration.ofSeconds(10));
                assertTrue((status & 0x7f) != 9, "ended on SIGTERM without SIGKILL (wait status " + status + ")");
            }
        }
    }
}
