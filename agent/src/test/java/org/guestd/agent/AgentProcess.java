// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built agent run as a child process through the source-tree launcher, exactly as a user or an
 * outside harness runs it: {@code bin/guestd -m unix-listen -p SOCKET -t STATEDIR [extra]}.
 * Its log goes to a file that failing tests print.
 */
final class AgentProcess implements AutoCloseable {
    /**
     * The config every test agent runs with: power and clock programs point nowhere, so even a
     * test that sent guest-shutdown, guest-suspend-* or guest-set-time by mistake could not act on
     * this machine (they answer an error instead).
     */
    static final String SAFE_CONFIG = "[shutdown]\nsystemctl=/nonexistent/guestd-test/systemctl\n"
            + "sbin-dir=/nonexistent/guestd-test\nsuspend-methods=\n[timesync]\nhwclock=/nonexistent/guestd-test/hwclock\n";

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
