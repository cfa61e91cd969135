// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.guestd.host.vmbus.FcopyHost;
import org.guestd.host.vmbus.IcMessages;
import org.guestd.host.vmbus.UioHostEmulator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test: the same host transcripts to the upstream {@code hv_fcopy_uio_daemon}
 * (Debian's linux-source-6.12, built here) and to guestd, each on its own UIO emulator; every
 * reply compared (the echoed names of a START aside: each side copies into its own directory),
 * then what each wrote to disk, file by file (path and content; modes differ on purpose: upstream
 * 0744, guestd 0644). Deliberate differences, each named in the table: names beyond ASCII (upstream
 * writes 'X' for them), CANCEL (upstream has no case for it: HV_E_FAIL, the partial file stays;
 * guestd answers 0 and removes it), CREATE_PATH with a directory not ending in '/' (upstream leaves
 * out the last component and fails), and the packet transaction id (upstream sends all ones, guestd
 * echoes the host's as the kernel's util drivers do; not compared).
 */
public class FcopyUioDifferentialIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** One transcript: messages built for a directory, and why it may differ (null: it must not). */
    record Case(String name, Function<String, List<byte[]>> messages, String deliberate) {}

    public static byte[] data(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<byte[]> copy(String name, String dir, int flags, byte[] content) {
        List<byte[]> m = new ArrayList<>();
        m.add(IcMessages.start(name, dir, flags, content.length, 1));
        for (int off = 0; off < content.length; off += IcMessages.DATA_FRAGMENT) {
            m.add(IcMessages.write(off, content, off, Math.min(IcMessages.DATA_FRAGMENT, content.length - off), 2));
        }
        m.add(IcMessages.bare(IcMessages.FCOPY_COMPLETE, 3));
        return m;
    }

    static List<Case> cases() {
        byte[] small = data(15_000, 1);
        byte[] other = data(777, 2);
        byte[] huge = data(8 * 1024 * 1024 + 5, 3);
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("negotiate", d -> List.of(IcMessages.negotiate(FcopyHost.FRAMEWORK, FcopyHost.SERVICE)), null));
        cs.add(new Case("negotiate, nothing in common", d -> List.of(IcMessages.negotiate(
                new int[] {IcMessages.version(1, 0)}, new int[] {IcMessages.version(1, 0)})), null));
        cs.add(new Case("plain copy", d -> copy("plain.bin", d, 0, small), null));
        cs.add(new Case("overwrite refused", d -> concat(copy("o.bin", d, 0, small), copy("o.bin", d, 0, other)), null));
        cs.add(new Case("overwrite allowed", d -> concat(copy("w.bin", d, 0, small),
                copy("w.bin", d, IcMessages.OVER_WRITE, other)), null));
        cs.add(new Case("deep path created (dir/)", d -> copy("deep.txt", d + "/a/b/c/d/", IcMessages.CREATE_PATH, other),
                null));
        cs.add(new Case("deep path created (dir)", d -> copy("deep.txt", d + "/e/f/g", IcMessages.CREATE_PATH, other),
                "upstream creates only the components followed by '/': without a trailing slash the last one is"
                + " missing and START fails; guestd creates the whole directory"));
        cs.add(new Case("deep path missing", d -> copy("deep.txt", d + "/x/y", 0, other), null));
        cs.add(new Case("UTF-16 beyond ASCII", d -> copy("файл-日本-é.txt", d + "/ünï", IcMessages.CREATE_PATH, other),
                "upstream turns non-ASCII units into 'X' (or worse); guestd decodes UTF-16"));
        cs.add(new Case("cancel midway", d -> List.of(IcMessages.start("partial", d, 0, 100_000, 1),
                IcMessages.write(0, small, 0, 6144, 2), IcMessages.write(6144, small, 6144, 6144, 3),
                IcMessages.bare(IcMessages.FCOPY_CANCEL, 4)),
                "upstream has no CANCEL case: HV_E_FAIL and the partial file stays; guestd: 0, removed"));
        cs.add(new Case("complete without start", d -> List.of(IcMessages.bare(IcMessages.FCOPY_COMPLETE, 1)), null));
        cs.add(new Case("unknown fcopy operation", d -> List.of(IcMessages.bare(7, 1)), null));
        cs.add(new Case("unknown message type", d -> List.of(IcMessages.message(9, 16, 1).array()), null));
        cs.add(new Case("huge file, 1366 chunks", d -> copy("huge.bin", d, 0, huge), null));
        return cs;
    }

    static List<byte[]> concat(List<byte[]> a, List<byte[]> b) {
        List<byte[]> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The reply as compared: a START's echoed names (its own directory) blanked. */
    static byte[] normalized(byte[] reply) {
        byte[] r = reply.clone();
        if (r.length >= 28 + 1088 && (r[12] & 0xff) == IcMessages.TYPE_FCOPY && r[28] == 0 && r[29] == 0) {
            Arrays.fill(r, 28 + 36, 28 + 1076, (byte) 0);
        }
        return r;
    }

    @Test
    void guestdAnswersAsHvFcopyUioDaemon(@TempDir Path tmp) throws Exception {
        String why = ReferenceFcopyUioDaemon.unavailable();
        Assumptions.assumeTrue(why == null, why);
        Path[] built = ReferenceFcopyUioDaemon.build(Files.createDirectories(tmp.resolve("build")));
        Path refBase = Files.createDirectories(tmp.resolve("ref"));
        Path guestdBase = Files.createDirectories(tmp.resolve("guestd"));
        List<String> table = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        UioHostEmulator refEmu = new UioHostEmulator(UioHostEmulator.FCOPY_RING_SIZE, UioHostEmulator.Kernel.USER_OWNS_MASK);
        try (UioRig guestd = new UioRig(guestdBase, UioHostEmulator.Kernel.USER_OWNS_MASK).start();
                ReferenceFcopyUioDaemon ref = ReferenceFcopyUioDaemon.start(built[0], built[1], refEmu,
                        tmp.resolve("hv_fcopy_uio_daemon.log"))) {
            FcopyHost refHost = new FcopyHost(refEmu, WAIT);
            int n = 0;
            for (Case c : cases()) {
                String dir = "c" + (n++);
                Path rd = Files.createDirectories(refBase.resolve(dir));
                Path gd = Files.createDirectories(guestdBase.resolve(dir));
                List<byte[]> rm = c.messages().apply(rd.toString());
                List<byte[]> gm = c.messages().apply(gd.toString());
                List<String> rs = new ArrayList<>();
                List<String> gs = new ArrayList<>();
                boolean same = true;
                for (int i = 0; i < rm.size(); i++) {
                    byte[] r = refHost.request(rm.get(i));
                    byte[] g = guestd.host.request(gm.get(i));
                    rs.add(status(r));
                    gs.add(status(g));
                    same &= Arrays.equals(normalized(r), normalized(g));
                }
                Map<String, String> rf = tree(rd);
                Map<String, String> gf = tree(gd);
                same &= rf.equals(gf);
                String verdict = same ? "SAME" : c.deliberate() != null ? "DELIBERATE" : "DIFF";
                table.add(String.format("%-30s %-10s ref %s %s | guestd %s %s%s", c.name(), verdict, summary(rs),
                        rf.keySet(), summary(gs), gf.keySet(), same || c.deliberate() == null ? "" : " (" + c.deliberate() + ")"));
                if (verdict.equals("DIFF")) {
                    mismatches.add(c.name() + ": reference " + rs + " " + rf + " / guestd " + gs + " " + gf);
                }
            }
            assertTrue(ref.isAlive(), "the reference survived the transcripts");
        } finally {
            refEmu.close();
        }
        System.out.println("fcopy over UIO, differential against hv_fcopy_uio_daemon (linux-source-6.12):\n"
                + String.join("\n", table));
        assertEquals(List.of(), mismatches);
    }

    /**
     * The throughput side by side (only with {@code -Dfcopy.bench=true}): a 1 GiB copy (174763
     * writes of 6144 bytes, each answered before the next, as the host does) into a tmpfs
     * ({@code /dev/shm}), so the channel is measured, not the disk.
     */
    @Test
    void throughputOfA1GiBCopy(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("fcopy.bench"), "benchmark: -Dfcopy.bench=true");
        String why = ReferenceFcopyUioDaemon.unavailable();
        Assumptions.assumeTrue(why == null, why);
        long size = Long.getLong("fcopy.bench.bytes", 1L << 30);
        Path[] built = ReferenceFcopyUioDaemon.build(Files.createDirectories(tmp.resolve("build")));
        Path shm = Files.createDirectories(Path.of("/dev/shm/guestd-fcopy-bench-" + ProcessHandle.current().pid()));
        byte[] chunk = data(IcMessages.DATA_FRAGMENT, 5);
        UioHostEmulator refEmu = new UioHostEmulator(UioHostEmulator.FCOPY_RING_SIZE, UioHostEmulator.Kernel.USER_OWNS_MASK);
        try (UioRig guestd = new UioRig(Files.createDirectories(shm.resolve("guestd")),
                UioHostEmulator.Kernel.USER_OWNS_MASK).start();
                ReferenceFcopyUioDaemon ref = ReferenceFcopyUioDaemon.start(built[0], built[1], refEmu,
                        tmp.resolve("hv_fcopy_uio_daemon.log"))) {
            FcopyHost refHost = new FcopyHost(refEmu, WAIT);
            refHost.negotiate();
            guestd.host.negotiate();
            for (int round = 0; round < 2; round++) { // second round counts (JIT warm, page cache)
                double r = bench(refHost, shm.resolve("ref").toString(), size, chunk);
                double g = bench(guestd.host, shm.resolve("guestd").toString(), size, chunk);
                System.out.printf("fcopy over UIO, %d MiB through the emulator, round %d: hv_fcopy_uio_daemon %.0f MB/s,"
                        + " guestd %.0f MB/s%n", size >> 20, round + 1, r, g);
            }
        } finally {
            refEmu.close();
            try (Stream<Path> s = Files.walk(shm)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static double bench(FcopyHost h, String dir, long size, byte[] chunk) throws Exception {
        Files.createDirectories(Path.of(dir));
        long t0 = System.nanoTime();
        assertEquals(0, h.status(IcMessages.start("big.bin", dir, IcMessages.OVER_WRITE, size, 1)));
        for (long off = 0; off < size; off += chunk.length) {
            int len = (int) Math.min(chunk.length, size - off);
            int s = h.status(IcMessages.write(off, chunk, 0, len, 2));
            if (s != 0) {
                fail("write at " + off + ": " + Integer.toHexString(s));
            }
        }
        assertEquals(0, h.status(IcMessages.bare(IcMessages.FCOPY_COMPLETE, 3)));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(size, Files.size(Path.of(dir, "big.bin")));
        Files.delete(Path.of(dir, "big.bin"));
        return size / 1e6 / secs;
    }

    static String status(byte[] reply) {
        return String.format("%08x/%d", IcMessages.status(reply), IcMessages.flags(reply));
    }

    /** Statuses with runs collapsed: [0/5 x1366]. */
    public static String summary(List<String> s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.size(); ) {
            int j = i;
            while (j < s.size() && s.get(j).equals(s.get(i))) {
                j++;
            }
            b.append(b.length() > 1 ? " " : "").append(s.get(i)).append(j - i > 1 ? " x" + (j - i) : "");
            i = j;
        }
        return b.append("]").toString();
    }

    /** Relative path → SHA-256 of every regular file under {@code dir}. */
    public static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(h, 0, 6));
            }
        }
        return out;
    }
}
