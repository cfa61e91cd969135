// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.guestd.core.testing.TestContext;
import org.guestd.files.FileReceiver;
import org.guestd.host.hyperv.ChildLauncher;
import org.guestd.host.hyperv.FcopyKernel;
import org.guestd.host.hyperv.HvChannel;
import org.guestd.hyperv.uio.FcopyUioDifferentialIT;
import org.guestd.transport.IoLoop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of the char-device file copy (kernels before 6.10): the same kernel-side
 * messages to Debian's {@code hv_fcopy_daemon} and to guestd, each on its own {@code hv_fcopy}
 * emulator channel; every 4-byte status compared, then what each wrote (paths and contents; modes
 * differ on purpose: the reference 0744, guestd 0644). The reference runs as the KVP reference
 * does ({@code unshare -m}, its device open redirected to an inherited socketpair end by the
 * LD_PRELOAD shim, which also turns its pread/pwrite on the device into read/write); it writes only
 * under this test's temp directory. Deliberate difference: CREATE_PATH with a directory not ending
 * in '/' (the reference leaves out the last component and fails).
 */
class CharFcopyDifferentialIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final Path DAEMON = Path.of("/usr/sbin/hv_fcopy_daemon");

    record Case(String name, Function<String, List<byte[]>> messages, String deliberate) {}

    static List<byte[]> copy(String name, String dir, int flags, byte[] content) {
        List<byte[]> m = new ArrayList<>();
        m.add(FcopyKernel.start(name, dir, flags, content.length));
        for (int off = 0; off < content.length; off += FcopyKernel.DATA_FRAGMENT) {
            m.add(FcopyKernel.write(off, content, off, Math.min(FcopyKernel.DATA_FRAGMENT, content.length - off)));
        }
        m.add(FcopyKernel.header(FcopyKernel.COMPLETE));
        return m;
    }

    static List<Case> cases() {
        byte[] small = FcopyUioDifferentialIT.data(15_000, 1);
        byte[] other = FcopyUioDifferentialIT.data(777, 2);
        byte[] huge = FcopyUioDifferentialIT.data(4 * 1024 * 1024 + 3, 3);
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("plain copy", d -> copy("plain.bin", d, 0, small), null));
        cs.add(new Case("overwrite refused", d -> cat(copy("o.bin", d, 0, small), copy("o.bin", d, 0, other)), null));
        cs.add(new Case("overwrite allowed", d -> cat(copy("w.bin", d, 0, small),
                copy("w.bin", d, FcopyKernel.OVER_WRITE, other)), null));
        cs.add(new Case("deep path created (dir/)", d -> copy("deep.txt", d + "/a/b/c/", FcopyKernel.CREATE_PATH, other),
                null));
        cs.add(new Case("deep path created (dir)", d -> copy("deep.txt", d + "/e/f", FcopyKernel.CREATE_PATH, other),
                "the reference creates only components followed by '/'; guestd the whole directory"));
        cs.add(new Case("deep path missing", d -> copy("deep.txt", d + "/x/y", 0, other), null));
        cs.add(new Case("UTF-8 names (the kernel converted them)", d -> copy("файл-日本.txt", d + "/ü/", FcopyKernel.CREATE_PATH,
                other), null));
        cs.add(new Case("cancel midway", d -> List.of(FcopyKernel.start("partial", d, 0, 100_000),
                FcopyKernel.write(0, small, 0, 6144), FcopyKernel.header(FcopyKernel.CANCEL)), null));
        cs.add(new Case("huge file, 683 chunks", d -> copy("huge.bin", d, 0, huge), null));
        return cs;
    }

    static List<byte[]> cat(List<byte[]> a, List<byte[]> b) {
        List<byte[]> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void guestdAnswersAsHvFcopyDaemon(@TempDir Path tmp) throws Exception {
        String why = ReferenceKvpDaemon.unavailable();
        Assumptions.assumeTrue(why == null, why);
        Assumptions.assumeTrue(Files.isExecutable(DAEMON), DAEMON + " missing (hyperv-daemons)");
        Path shim = ReferenceKvpDaemon.buildShim(tmp);
        Path refBase = Files.createDirectories(tmp.resolve("ref"));
        Path guestdBase = Files.createDirectories(tmp.resolve("guestd"));
        List<String> table = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        HvChannel refCh = new HvChannel();
        ChildLauncher.Child child;
        try {
            child = ChildLauncher.spawn(List.of("/usr/bin/unshare", "-m", "--propagation", "private", DAEMON.toString(),
                    "-n"), Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LD_PRELOAD", shim.toString(),
                    "HVDEV_SHIM_FD", "3", "HVDEV_SHIM_PATH", "/dev/vmbus/hv_fcopy"), Map.of(refCh.guestFd(), 3),
                    tmp.resolve("hv_fcopy_daemon.log"));
        } finally {
            refCh.closeGuestEnd();
        }
        HvChannel gCh = new HvChannel();
        HypervService service = null;
        try (IoLoop loop = IoLoop.create(); FcopyKernel ref = new FcopyKernel(refCh); FcopyKernel g = new FcopyKernel(gCh)) {
            ref.awaitRegistration(WAIT);
            service = new HypervService(loop, Optional.empty(), Optional.empty(),
                    Optional.of(new FileReceiver(guestdBase)));
            service.start(new TestContext("hyperv").general(Map.of("kvp-device", "off", "vss-device", "off",
                    "fcopy-device", gCh.handOver(), "fcopy-root", guestdBase.toString())));
            g.awaitRegistration(WAIT);
            int n = 0;
            for (Case c : cases()) {
                String dir = "c" + (n++);
                Path rd = Files.createDirectories(refBase.resolve(dir));
                Path gd = Files.createDirectories(guestdBase.resolve(dir));
                List<byte[]> rm = c.messages().apply(rd.toString());
                List<byte[]> gm = c.messages().apply(gd.toString());
                List<String> rs = new ArrayList<>();
                List<String> gs = new ArrayList<>();
                for (int i = 0; i < rm.size(); i++) {
                    rs.add(String.format("%08x", ref.request(rm.get(i), WAIT)));
                    gs.add(String.format("%08x", g.request(gm.get(i), WAIT)));
                }
                Map<String, String> rf = FcopyUioDifferentialIT.tree(rd);
                Map<String, String> gf = FcopyUioDifferentialIT.tree(gd);
                boolean same = rs.equals(gs) && rf.equals(gf);
                String verdict = same ? "SAME" : c.deliberate() != null ? "DELIBERATE" : "DIFF";
                table.add(String.format("%-40s %-10s ref %s %s | guestd %s %s", c.name(), verdict,
                        FcopyUioDifferentialIT.summary(rs), rf.keySet(), FcopyUioDifferentialIT.summary(gs), gf.keySet()));
                if (verdict.equals("DIFF")) {
                    mismatches.add(c.name() + ": reference " + rs + " " + rf + " / guestd " + gs + " " + gf);
                }
            }
            assertTrue(child.isAlive(), "the reference survived the transcripts");
        } finally {
            if (service != null) {
                service.stop();
            }
            child.stop(Duration.ofSeconds(5));
        }
        System.out.println("char-device fcopy, differential against hv_fcopy_daemon:\n" + String.join("\n", table));
        assertEquals(List.of(), mismatches);
    }
}
