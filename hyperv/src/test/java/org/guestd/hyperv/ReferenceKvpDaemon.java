// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.guestd.host.hyperv.ChildLauncher;
import org.guestd.host.hyperv.HvChannel;
import org.guestd.host.hyperv.KvpKernel;

/**
 * Debian's {@code /usr/sbin/hv_kvp_daemon -n} (or the 6.12 one built by {@link #build612}) on the
 * host's KVP emulator, never touching this machine: it runs in a private mount namespace
 * ({@code unshare -m}, private propagation) with a tmpfs over {@code /var/lib/hyperv} (over
 * {@code /var/lib} when that directory does not exist, so no mount point is created on the host)
 * and, given a fixture, a tmpfs over {@code /sys/class/net} holding a copy of it (the adapters a
 * SET_IP_INFO can name); its {@code open("/dev/vmbus/hv_kvp")} is redirected by an LD_PRELOAD shim
 * (src/test/c/hvdev_shim.c, built here with gcc) to the inherited socketpair end, fd 3. Its pool
 * files are read through {@code /proc/PID/root}. What else it writes: only
 * {@code /var/lib/hyperv/ifcfg-*} (and, 6.12, {@code *.nmconnection}) on SET_IP_INFO (inside the
 * tmpfs); Debian's runs the read-only scripts {@code hv_get_dns_info}, {@code hv_get_dhcp_info}
 * and {@code ip route}, the 6.12 build only the scripts of the directory compiled into it; syslog.
 */
final class ReferenceKvpDaemon implements AutoCloseable {
    static final Path DAEMON = Path.of("/usr/sbin/hv_kvp_daemon");
    private static final String SCRIPT = String.join("\n",
            "set -e",
            "if [ -d /var/lib/hyperv ]; then mount -t tmpfs -o mode=0755 guestd-kvp-ref /var/lib/hyperv",
            "else mount -t tmpfs -o mode=0755 guestd-kvp-ref /var/lib; mkdir -m 0755 /var/lib/hyperv; fi",
            "if [ -n \"$3\" ]; then mount -t tmpfs -o mode=0755 guestd-kvp-net /sys/class/net; cp -a \"$3\"/. /sys/class/net/; fi",
            "exec env LD_PRELOAD=\"$1\" HVDEV_SHIM_FD=3 \"$2\" -n");
    /** Debian's linux-source-6.12 tools (src/test/sh/fetch-linux-tools.sh), as the fcopy UIO differential. */
    static final Path SOURCES = Path.of(System.getProperty("hyperv.linux.tools",
            System.getenv().getOrDefault("GUESTD_LINUX_TOOLS", "/var/cache/guestd-ci/linux-tools-6.12")));

    private final ChildLauncher.Child child;
    private final KvpKernel kernel;

    private ReferenceKvpDaemon(ChildLauncher.Child child, KvpKernel kernel) {
        this.child = child;
        this.kernel = kernel;
    }

    /** Why the reference cannot run here, or null when it can. */
    static String unavailable() {
        if (!Files.isExecutable(DAEMON)) {
            return DAEMON + " missing (apt-get install hyperv-daemons; .ci/run does)";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/unshare")) || !Files.isExecutable(Path.of("/usr/bin/gcc"))) {
            return "unshare or gcc missing";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root for unshare -m and mount";
        }
        return null;
    }

    /** Builds the shim into {@code dir} and returns its path. */
    static Path buildShim(Path dir) throws IOException, InterruptedException {
        Path src = Path.of(System.getProperty("hyperv.shim.source", "src/test/c/hvdev_shim.c"));
        Path so = dir.resolve("hvdev_shim.so");
        Process p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", so.toString(), src.toString(),
                "-ldl").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("gcc failed: " + out);
        }
        return so;
    }

    /** Why the 6.12 reference cannot be built and run here, or null when it can. */
    static String unavailable612() {
        if (!Files.isRegularFile(SOURCES.resolve("tools/hv/hv_kvp_daemon.c"))) {
            return "no upstream sources in " + SOURCES + " (bash hyperv/src/test/sh/fetch-linux-tools.sh; .ci/run does)";
        }
        String why = unavailable();
        return why != null && why.startsWith(DAEMON.toString()) ? null : why;
    }

    /**
     * Builds {@code tools/hv/hv_kvp_daemon.c} of Debian's linux-source 6.12 into {@code dir}, its
     * helper scripts looked up in {@code scriptsDir} ({@code -DKVP_SCRIPTS_PATH}), never in
     * /usr/libexec/hypervkvpd.
     */
    static Path build612(Path dir, Path scriptsDir) throws IOException, InterruptedException {
        Path inc = Files.createDirectories(dir.resolve("include/linux"));
        Files.copy(SOURCES.resolve("include/uapi/linux/hyperv.h"), inc.resolve("hyperv.h"),
                StandardCopyOption.REPLACE_EXISTING);
        Path daemon = dir.resolve("hv_kvp_daemon-6.12");
        Process p = new ProcessBuilder("gcc", "-O2", "-w", "-I", dir.resolve("include").toString(),
                "-DKVP_SCRIPTS_PATH=\"" + scriptsDir + "/\"", "-o", daemon.toString(),
                SOURCES.resolve("tools/hv/hv_kvp_daemon.c").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("gcc failed: " + out);
        }
        return daemon;
    }

    static ReferenceKvpDaemon start(Path shim, Path log) throws IOException {
        return start(DAEMON, shim, null, log);
    }

    /**
     * @param daemon the daemon binary
     * @param netFixture copied onto a tmpfs over its /sys/class/net, or null to leave that alone
     */
    static ReferenceKvpDaemon start(Path daemon, Path shim, Path netFixture, Path log) throws IOException {
        HvChannel ch = new HvChannel();
        ChildLauncher.Child child;
        try {
            child = ChildLauncher.spawn(List.of("/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                    SCRIPT, "ref-kvp", shim.toString(), daemon.toString(), netFixture == null ? "" : netFixture.toString()),
                    Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8"), Map.of(ch.guestFd(), 3), log);
        } finally {
            ch.closeGuestEnd(); // the child has its own copy at fd 3
        }
        KvpKernel k = new KvpKernel(ch);
        try {
            k.awaitRegistration(Duration.ofSeconds(20));
        } catch (IOException e) {
            child.close();
            ch.close();
            throw new IOException(e.getMessage() + "; daemon log: " + Files.readString(log), e);
        }
        return new ReferenceKvpDaemon(child, k);
    }

    KvpKernel kernel() {
        return kernel;
    }

    /** Its {@code /var/lib/hyperv}, seen from here. */
    Path poolDir() {
        return Path.of("/proc/" + child.pid() + "/root/var/lib/hyperv");
    }

    boolean isAlive() {
        return child.isAlive();
    }

    @Override
    public void close() {
        kernel.close();
        child.stop(Duration.ofSeconds(5));
    }
}
