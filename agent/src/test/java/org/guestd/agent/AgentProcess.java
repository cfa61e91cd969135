// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The built agent run as a child process through the source-tree launcher, exactly as a user or an
 * outside harness runs it: {@code bin/guestd -m unix-listen -p SOCKET -t STATEDIR [extra]}.
 * Its log goes to a file that failing tests print.
 */
final class AgentProcess implements AutoCloseable {
    /**
     * The config every test agent runs with: power and clock programs point nowhere, so even a
     * test that sent guest-shutdown, guest-suspend-* or guest-set-time by mistake could not act on
     * this machine (they answer an error instead), and clock healing is off (it would step this
     * machine's clock or restart its time daemon).
     */
    static final String SAFE_CONFIG = "[shutdown]\nsystemctl=/nonexistent/guestd-test/systemctl\n"
            + "sbin-dir=/nonexistent/guestd-test\nsuspend-methods=\n[timesync]\nhwclock=/nonexistent/guestd-test/hwclock\n"
            + "mode=off\nchronyc=/nonexistent/guestd-test/chronyc\nsystemctl=/nonexistent/guestd-test/systemctl\n";

    static final Path REPO = Path.of(System.getProperty("guestd.repo", "..")).toAbsolutePath().normalize();

    final Path stateDir;
    final Path socket;
    final Path log;
    private final Process process;

    private AgentProcess(Path stateDir, Process process) {
        this.stateDir = stateDir;
        this.socket = stateDir.resolve("qga.sock");
        this.log = stateDir.resolve("guestd.log");
        this.process = process;
    }

    /**
     * Debian's qemu-ga, for the tests that compare guestd with it; where it is not installed the
     * test is skipped, or fails when {@code GUESTD_REQUIRE_QEMU_GA} is set (as in .ci/run).
     */
    static Path qemuGaOrAbort() {
        Path qemuGa = Path.of("/usr/sbin/qemu-ga");
        if (!Files.isExecutable(qemuGa)) {
            assertTrue(System.getenv("GUESTD_REQUIRE_QEMU_GA") == null,
                    "GUESTD_REQUIRE_QEMU_GA is set but /usr/sbin/qemu-ga is missing");
            Assumptions.abort("qemu-ga not installed (apt-get install qemu-guest-agent); .ci/run installs it");
        }
        return qemuGa;
    }

    static AgentProcess start(Path stateDir, Map<String, String> env, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bin/guestd").toString(),
                "-m", "unix-listen", "-p", stateDir.resolve("qga.sock").toString(), "-t", stateDir.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("GUESTD_CONF");
        pb.environment().remove("QGA_CONF");
        pb.environment().put("GUESTD_CONF", stateDir.resolve("none.conf").toString());
        Files.writeString(stateDir.resolve("none.conf"), SAFE_CONFIG);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(stateDir.resolve("guestd.log").toFile());
        pb.directory(stateDir.toFile());
        return new AgentProcess(stateDir, pb.start());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Sends SIGTERM and returns the exit status (-1 if it had to be killed after 10 s). */
    int terminate() throws InterruptedException {
        process.destroy(); // SIGTERM
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }
}
