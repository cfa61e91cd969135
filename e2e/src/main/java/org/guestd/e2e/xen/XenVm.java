// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One nested-Xen machine: QEMU (q35, TCG) booting Xen 4.17 with a PV dom0, which creates the PV domU
 * running guestd. The CPU model leaves out what breaks PV guests under nested TCG: SMAP/SMEP (#PF
 * bounce-frame crashes), RDTSCP, FSGSBASE (a wrong FS base killed processes at TLS reads in 5 of 12
 * boots) and AVX (a precaution). dom0 is pinned to physical CPU 0 and the domU to CPU 1 (its xl config):
 * unpinned, the JVM in the domU died in 2 of 2 boots at its first start (C1 reading back code it had
 * just written, a metaspace free list: thread-local state of the wrong thread, the same wrong-FS-base
 * signature the lab saw), pinned it did not. Hard time limit: {@code timeout -k 5} around QEMU, so nothing
 * outlives a run. The serial console (Xen, dom0, and the domU's lines prefixed {@code [domU]}) is
 * read as it grows, each line stamped with the host's milliseconds since QEMU started.
 */
public final class XenVm implements AutoCloseable {
    /** The QEMU CPU model for PV dom0 + PV domU under TCG. */
    public static final String CPU = "max,-rdtscp,-smap,-smep,-fsgsbase,-avx,-avx2";

    /** A console line and when it was seen. */
    public record Line(long millis, String text) {}

    private final Process qemu;
    private final Path dir;
    private final long startNanos;
    private final List<Line> lines = new ArrayList<>();
    private final Thread reader;

    private XenVm(Process qemu, Path dir, long startNanos) {
        this.qemu = qemu;
        this.dir = dir;
        this.startNanos = startNanos;
        this.reader = new Thread(this::follow, "xen-console");
        reader.setDaemon(true);
        reader.start();
    }

    /** Boots the image; console, QEMU output and command line in {@code dir}; killed after {@code limit}. */
    public static XenVm boot(XenImage image, Path dir, Duration limit, int waitForKeysSeconds) throws IOException {
        Files.createDirectories(dir);
        Path console = dir.resolve("console.log");
        Files.deleteIfExists(console);
        Files.createFile(console);
        List<String> cmd = List.of("timeout", "-k", "5", Long.toString(limit.toSeconds()),
                "qemu-system-x86_64", "-machine", "q35", "-accel", "tcg,thread=multi,tb-size=512", "-cpu", CPU,
                "-smp", "2", "-m", "2048", "-nodefaults", "-no-user-config", "-no-reboot", "-nic", "none",
                "-display", "none", "-serial", "file:" + console,
                "-kernel", image.xen().toString(),
                "-append", "console=com1 com1=115200,8n1 dom0_mem=768M dom0_max_vcpus=1 dom0_vcpus_pin"
                        + " loglvl=all guest_loglvl=all console_timestamps=boot",
                "-initrd", image.dom0Kernel() + " console=hvc0 earlyprintk=xen panic=-1 xene2e.wait=" + waitForKeysSeconds
                        + "," + image.dom0Initrd());
        Files.writeString(dir.resolve("qemu.cmdline"), String.join(" ", cmd) + "\n");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.out").toFile()).start();
        p.getOutputStream().close();
        return new XenVm(p, dir, t0);
    }

    private void follow() {
        Path console = dir.resolve("console.log");
        StringBuilder partial = new StringBuilder();
        byte[] buf = new byte[65536];
        try (InputStream in = Files.newInputStream(console)) {
            while (true) {
                int n = in.read(buf);
                if (n > 0) {
                    partial.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        String text = partial.substring(0, nl).replace("\r", "");
                        partial.delete(0, nl + 1);
                        synchronized (lines) {
                            lines.add(new Line(elapsedMillis(), text));
                            lines.notifyAll();
                        }
                    }
                } else if (!qemu.isAlive()) {
                    if (n <= 0 && in.available() == 0) {
                        synchronized (lines) {
                            if (partial.length() > 0) {
                                lines.add(new Line(elapsedMillis(), partial.toString()));
                            }
                            lines.notifyAll();
                        }
                        return;
                    }
                } else {
                    Thread.sleep(50);
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add(new Line(elapsedMillis(), "[harness] console read failed: " + e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Milliseconds since QEMU started. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Waits for QEMU to end (the hard limit ends it at the latest), then for the console reader. */
    public int waitExit() throws InterruptedException {
        int rc = qemu.waitFor();
        reader.join(5000);
        return rc;
    }

    /** Waits up to {@code timeout} for QEMU to end; true when it did. */
    public boolean waitExit(Duration timeout) throws InterruptedException {
        return qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A copy of the console lines read so far. */
    public List<Line> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** The run's directory. */
    public Path dir() {
        return dir;
    }

    /** Stops QEMU if it still runs (SIGTERM to the timeout wrapper, which passes it on; SIGKILL after 5 s). */
    @Override
    public void close() {
        if (qemu.isAlive()) {
            qemu.destroy();
            try {
                if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                    qemu.destroyForcibly();
                    qemu.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
