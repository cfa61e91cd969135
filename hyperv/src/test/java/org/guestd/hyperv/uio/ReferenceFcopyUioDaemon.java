// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv.uio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guestd.host.hyperv.ChildLauncher;
import org.guestd.host.vmbus.UioHostEmulator;
import org.guestd.jna.linux.Posix;

/**
 * The upstream {@code hv_fcopy_uio_daemon -n}, built from Debian's linux-source-6.12 (fetched by
 * {@code src/test/sh/fetch-linux-tools.sh}), on the host module's UIO emulator, never touching this
 * machine: it runs in a private mount namespace ({@code unshare -m}, private propagation) with a
 * tmpfs over {@code /sys/bus} holding only the fcopy instance's {@code channels/14/ring} (sized
 * for the emulator's rings) and {@code uio/uio0}; its {@code /dev/uio0} is the emulator's memfd
 * (fd 3) plus the interrupt socket (fd 4) through the LD_PRELOAD shim {@code src/test/c/uio_shim.c}.
 * It writes the files the host asks for (the test names directories under its own temp dir) and
 * logs to syslog.
 */
final class ReferenceFcopyUioDaemon implements AutoCloseable {
    static final Path SOURCES = Path.of(System.getProperty("hyperv.linux.tools",
            System.getenv().getOrDefault("GUESTD_LINUX_TOOLS", "/var/cache/guestd-ci/linux-tools-6.12")));
    static final String INSTANCE = "eb765408-105f-49b6-b4aa-c123b64d17d4";
    private static final String SCRIPT = String.join("\n",
            "set -e",
            "mount -t tmpfs -o mode=0755 guestd-fcopy-ref /sys/bus",
            "d=/sys/bus/vmbus/devices/" + INSTANCE,
            "mkdir -p $d/channels/14 $d/uio/uio0",
            "truncate -s \"$3\" $d/channels/14/ring",
            "exec env LD_PRELOAD=\"$1\" HVUIO_MAP_FD=3 HVUIO_EVENT_FD=4 HVUIO_DEV=/dev/uio0 \"$2\" -n");

    private final ChildLauncher.Child child;

    private ReferenceFcopyUioDaemon(ChildLauncher.Child child) {
        this.child = child;
    }

    /** Why the reference cannot run here, or null when it can. */
    static String unavailable() {
        if (!Files.isRegularFile(SOURCES.resolve("tools/hv/hv_fcopy_uio_daemon.c"))) {
            return "no upstream sources in " + SOURCES + " (bash hyperv/src/test/sh/fetch-linux-tools.sh; .ci/run does)";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/unshare")) || !Files.isExecutable(Path.of("/usr/bin/gcc"))) {
            return "unshare or gcc missing";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root for unshare -m and mount";
        }
        return null;
    }

    /** Builds the daemon and the shim into {@code dir}; returns {daemon, shim}. */
    static Path[] build(Path dir) throws IOException, InterruptedException {
        Path inc = Files.createDirectories(dir.resolve("include/linux"));
        Files.copy(SOURCES.resolve("include/uapi/linux/hyperv.h"), inc.resolve("hyperv.h"),
                StandardCopyOption.REPLACE_EXISTING);
        Path daemon = dir.resolve("hv_fcopy_uio_daemon");
        gcc(List.of("gcc", "-O2", "-w", "-I", dir.resolve("include").toString(), "-o", daemon.toString(),
                SOURCES.resolve("tools/hv/hv_fcopy_uio_daemon.c").toString(),
                SOURCES.resolve("tools/hv/vmbus_bufring.c").toString()));
        Path shim = dir.resolve("uio_shim.so");
        Path src = Path.of(System.getProperty("hyperv.uio.shim.source", "src/test/c/uio_shim.c"));
        gcc(List.of("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", shim.toString(), src.toString(), "-ldl"));
        return new Path[] {daemon, shim};
    }

    private static void gcc(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Starts the daemon on {@code emu} (its guest descriptors go to the child, then are closed here). */
    static ReferenceFcopyUioDaemon start(Path daemon, Path shim, UioHostEmulator emu, Path log) throws IOException {
        String spec = emu.handOver(); // fd:MAP,EVENT in this process
        int map = Integer.parseInt(spec.substring(3, spec.indexOf(',')));
        int event = Integer.parseInt(spec.substring(spec.indexOf(',') + 1));
        List<String> argv = new ArrayList<>(List.of("/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh",
                "-c", SCRIPT, "ref-fcopy", shim.toString(), daemon.toString(), Long.toString(2L * emu.ringSize())));
        try {
            return new ReferenceFcopyUioDaemon(ChildLauncher.spawn(argv,
                    Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8"), Map.of(map, 3, event, 4), log));
        } finally {
            Posix.close(map);
            Posix.close(event);
        }
    }

    boolean isAlive() {
        return child.isAlive();
    }

    @Override
    public void close() {
        child.stop(Duration.ofSeconds(5));
    }
}
