// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.guestd.host.hyperv.ChildLauncher;
import org.guestd.host.xen.XenbusConnection;
import org.guestd.host.xen.Xenstored;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code bin/guestd} as a Xen guest's agent, a child process: its xenbus device is one open of the
 * xenstored emulator handed over as {@code --xenbus-device fd:3}; it runs in a network namespace of
 * its own (so the test can change addresses without touching this machine's network), whose
 * loopback a fixture sysfs puts on vif 0; its os-release is a fixture; its power programs are
 * scripts that only record what they were asked to do.
 */
final class XenAgent implements AutoCloseable {
    static final int DOMID = 9;

    final Path dir;
    final Path state;
    final Path powerLog;
    final Xenstored xs;
    final XenbusConnection conn;
    final ChildLauncher.Child child;

    private XenAgent(Path dir, Path state, Path powerLog, Xenstored xs, XenbusConnection conn, ChildLauncher.Child child) {
        this.dir = dir;
        this.state = state;
        this.powerLog = powerLog;
        this.xs = xs;
        this.conn = conn;
        this.child = child;
    }

    /** Skips the test where a network namespace cannot be made (not root, no unshare/ip). */
    static void assumeNamespaces() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a network namespace");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/nsenter"))
                && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")) || Files.isExecutable(Path.of("/bin/ip"))),
                "needs unshare, nsenter and ip (util-linux, iproute2)");
    }

    /**
     * Starts the agent on a new emulated domain.
     *
     * @param controlWritable XenServer's control/ (true) or libxl's (false)
     * @param xenConfig extra lines of the [xen] section
     */
    static XenAgent start(Path dir, boolean controlWritable, String xenConfig) throws IOException {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path sys = dir.resolve("sys");
        Files.createDirectories(sys.resolve("devices/vif-0/net/lo"));
        Files.writeString(sys.resolve("devices/vif-0/nodename"), "device/vif/0\n");
        Files.createSymbolicLink(sys.resolve("devices/vif-0/net/lo/device"), Path.of("../../../vif-0"));
        Files.createDirectories(sys.resolve("class/net"));
        Files.createSymbolicLink(sys.resolve("class/net/lo"), Path.of("../../devices/vif-0/net/lo"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("os-release"), "NAME=\"Xen Test Linux\"\nPRETTY_NAME=\"Xen Test Linux 7.3 (it)\"\n"
                + "ID=xentest\nVERSION_ID=\"7.3\"\n");
        Path sbin = Files.createDirectories(dir.resolve("sbin"));
        Path powerLog = dir.resolve("power.log");
        for (String verb : List.of("poweroff", "reboot", "halt")) {
            Path p = sbin.resolve(verb);
            Files.writeString(p, "#!/bin/sh\necho " + verb + " >> " + powerLog + "\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(state.resolve("guestd.conf"), AgentProcess.SAFE_CONFIG.replace(
                "sbin-dir=/nonexistent/guestd-test\n", "sbin-dir=" + sbin + "\n")
                + "[xen]\n" + xenConfig + "\n");
        Xenstored xs = new Xenstored(DOMID, "it", controlWritable);
        XenbusConnection c = xs.connect();
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        List<String> argv = new ArrayList<>(List.of("/usr/bin/unshare", "-n", "/bin/sh", "-c",
                "ip link set lo up && exec \"$0\" \"$@\"", AgentProcess.REPO.resolve("bin/guestd").toString(),
                "-m", "unix-listen", "-p", state.resolve("qga.sock").toString(), "-t", state.toString(),
                "--xenbus-device", "fd:3", "--sys-root", sys.toString(), "--etc-root", etc.toString()));
        ChildLauncher.Child child = ChildLauncher.spawn(argv,
                Map.of("PATH", javaBin + ":/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME", System.getProperty("java.home"),
                        "GUESTD_CONF", state.resolve("guestd.conf").toString(), "LANG", "C.UTF-8"),
                Map.of(c.guestFd(), 3), state.resolve("guestd.log"));
        c.closeGuestEnd();
        return new XenAgent(dir, state, powerLog, xs, c, child);
    }

    /** Waits until the domain's directory satisfies {@code ok}. */
    Map<String, String> await(String what, Duration limit, Predicate<Map<String, String>> ok) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, String> home;
        while (!ok.test(home = xs.dumpHome())) {
            if (System.nanoTime() > deadline || !child.isAlive()) {
                throw new AssertionError("waiting for " + what + (child.isAlive() ? ": timed out" : ": the agent ended")
                        + "\nstore: " + home + "\nagent log:\n" + log());
            }
            Thread.sleep(5);
        }
        return home;
    }

    /** Runs {@code ip ...} in the agent's network namespace. */
    void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/nsenter", "-t", Integer.toString(child.pid()), "-n", "ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    /** The power programs run so far, one verb per line. */
    List<String> powerActions() throws IOException {
        return Files.exists(powerLog) ? Files.readAllLines(powerLog) : List.of();
    }

    String log() {
        try {
            return Files.readString(state.resolve("guestd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        child.stop(Duration.ofSeconds(10));
        xs.close();
    }
}
