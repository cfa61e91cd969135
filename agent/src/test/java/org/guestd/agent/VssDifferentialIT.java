// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.host.hyperv.ChildLauncher;
import org.guestd.host.hyperv.HvChannel;
import org.guestd.host.hyperv.VssKernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of Hyper-V VSS: the same kernel-side requests to Debian's {@code hv_vss_daemon}
 * and to {@code bin/guestd} ({@code --vss-device fd:4}), each freezing its own ext4 loop image, both
 * inside one private mount namespace ({@code src/test/sh/vss-loop-ns.sh} under
 * {@code unshare -m --propagation private}); every status compared, and after each step whether each
 * filesystem is frozen. Guards, so nothing but the two loop images can ever be frozen: guestd reads
 * its mount table from a proc root listing only its loop mount (checked here before the first
 * request); the reference reads a mount list with only its loop mount and its FIFREEZE/FITHAW are
 * refused outside its mountpoint by the LD_PRELOAD guard {@code src/test/c/vss_guard.c} (which also
 * hides that the device is a loop, since hv_vss_daemon skips loop devices; guestd is told
 * {@code [freeze] skip-loop-devices = false} for the same reason).
 */
class VssDifferentialIT {
    private static final Duration WAIT = Duration.ofSeconds(60); // hang guard; covers the JVM start
    static final Path DAEMON = Path.of("/usr/sbin/hv_vss_daemon");

    @Test
    void guestdAnswersAsHvVssDaemon(@TempDir Path tmp) throws Exception {
        String why = LoopNamespace.unavailable();
        Assumptions.assumeTrue(why == null, why);
        Assumptions.assumeTrue(Files.isExecutable(DAEMON), DAEMON + " missing (hyperv-daemons)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc missing");
        Path dir = tmp.toRealPath();
        assertTrue(dir.startsWith("/tmp/") || dir.startsWith("/var/tmp/"), "work dir under /tmp: " + dir);
        Path repo = AgentProcess.REPO;
        Path devShim = gcc(dir, "hvdev_shim", repo.resolve("hyperv/src/test/c/hvdev_shim.c"));
        Path guard = gcc(dir, "vss_guard", repo.resolve("agent/src/test/c/vss_guard.c"));
        Files.createDirectories(dir.resolve("img"));
        Files.createDirectories(dir.resolve("state"));
        for (String name : List.of("ref", "guestd")) {
            Path img = dir.resolve("img/" + name + ".img");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(64L << 20);
            }
            run(List.of("mkfs.ext4", "-q", "-F", img.toString()));
        }
        Files.writeString(dir.resolve("guestd.conf"), AgentProcess.SAFE_CONFIG + "[freeze]\nskip-loop-devices=false\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        HvChannel refCh = new HvChannel();
        HvChannel gCh = new HvChannel();
        ChildLauncher.Child ns;
        try {
            ns = ChildLauncher.spawn(List.of("/usr/bin/unshare", "-m", "--propagation", "private", "--", "/bin/sh",
                    repo.resolve("agent/src/test/sh/vss-loop-ns.sh").toString(), dir.toString(), devShim + " " + guard,
                    "--", repo.resolve("bin/guestd").toString(), "-m", "unix-listen", "-p",
                    dir.resolve("state/qga.sock").toString(), "-t", dir.resolve("state").toString(), "--proc-root",
                    dir.resolve("proc").toString(), "--kvp-device", "off", "--fcopy-device", "off",
                    "--fcopy-uio-device", "off", "--vss-device", "fd:4"),
                    Map.of("PATH", javaBin + ":/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME", System.getProperty("java.home"),
                            "GUESTD_CONF", dir.resolve("guestd.conf").toString(), "LANG", "C.UTF-8"),
                    Map.of(refCh.guestFd(), 3, gCh.guestFd(), 4), dir.resolve("ns.log"));
        } finally {
            refCh.closeGuestEnd();
            gCh.closeGuestEnd();
        }
        List<String> table = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        try (VssKernel ref = new VssKernel(refCh); VssKernel g = new VssKernel(gCh)) {
            ref.awaitRegistration(WAIT);
            g.awaitRegistration(WAIT);
            checkMountLists(dir);
            long nsPid = Long.parseLong(Files.readString(dir.resolve("pids")).trim().split("\\s+")[0]);
            String[][] steps = {
                {"hot backup check", "2"}, {"freeze", "5"}, {"thaw", "6"}, {"thaw again", "6"}, {"freeze", "5"},
                {"freeze again", "5"}, {"thaw", "6"}, {"auto recover (not forwarded by the kernel)", "7"},
                {"unknown op 99", "99"}};
            for (String[] s : steps) {
                int op = Integer.parseInt(s[1]);
                byte[] m = new byte[VssKernel.SIZE];
                m[0] = (byte) op;
                int rs = VssKernel.status(ref.requestRaw(m, WAIT));
                int gs = VssKernel.status(g.requestRaw(m, WAIT));
                boolean rf = frozen(nsPid, dir.resolve("mnt/ref"));
                boolean gf = frozen(nsPid, dir.resolve("mnt/guestd"));
                boolean same = rs == gs && rf == gf;
                table.add(String.format("%-44s %-4s ref %08x %s | guestd %08x %s", s[0], same ? "SAME" : "DIFF", rs,
                        rf ? "frozen" : "thawed", gs, gf ? "frozen" : "thawed"));
                if (!same) {
                    mismatches.add(s[0] + ": reference " + Integer.toHexString(rs) + (rf ? " frozen" : " thawed")
                            + " / guestd " + Integer.toHexString(gs) + (gf ? " frozen" : " thawed"));
                }
            }
            assertTrue(ns.isAlive(), "the namespace (both daemons) survived");
        } finally {
            ns.stop(Duration.ofSeconds(15));
        }
        System.out.println("VSS differential against hv_vss_daemon (loop ext4 in a private namespace):\n"
                + String.join("\n", table));
        Path cleanup = dir.resolve("cleanup.log");
        assertFalse(Files.exists(cleanup) && !Files.readString(cleanup).isBlank(),
                "nothing left frozen: " + (Files.exists(cleanup) ? Files.readString(cleanup) : ""));
        assertEquals(List.of(), mismatches, "reference log: " + read(dir.resolve("hv_vss_daemon.log")));
    }

    /** Guard 2: each side's mount list names exactly its own loop mount. */
    private static void checkMountLists(Path dir) throws IOException {
        List<String> ref = Files.readAllLines(dir.resolve("ref-mounts"));
        assertEquals(1, ref.size(), "reference mount list: " + ref);
        assertTrue(ref.get(0).startsWith("/dev/loop") && ref.get(0).contains(" " + dir.resolve("mnt/ref") + " "),
                ref.get(0));
        List<String> g = Files.readAllLines(dir.resolve("proc/self/mountinfo"));
        assertEquals(1, g.size(), "guestd proc root: " + g);
        String[] f = g.get(0).split(" ");
        assertTrue(f[2].startsWith("7:") && f[4].equals(dir.resolve("mnt/guestd").toString()), g.get(0));
    }

    /**
     * Whether the loop filesystem at {@code mnt} (inside the namespace of {@code pid}) is frozen:
     * {@code fsfreeze --freeze} fails with EBUSY on a frozen one; when it succeeds it was not, and it
     * is thawed again at once. Only ever our own loop mountpoints.
     */
    private static boolean frozen(long pid, Path mnt) throws Exception {
        assertTrue(mnt.toString().contains("/mnt/") && mnt.startsWith("/tmp/"), "only our loop mounts: " + mnt);
        String ns = Long.toString(pid);
        Process p = new ProcessBuilder("nsenter", "-t", ns, "-m", "--", "fsfreeze", "--freeze", mnt.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() == 0) {
            run(List.of("nsenter", "-t", ns, "-m", "--", "fsfreeze", "--unfreeze", mnt.toString()));
            return false;
        }
        if (!out.contains("busy")) {
            throw new IOException("fsfreeze probe of " + mnt + ": " + out);
        }
        return true;
    }

    private static Path gcc(Path dir, String name, Path src) throws Exception {
        Path so = dir.resolve(name + ".so");
        run(List.of("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", so.toString(), src.toString(), "-ldl"));
        return so;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(none)";
        }
    }
}
