// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.guestd.host.qga.QgaClient;

/**
 * Starts an agent (guestd or qemu-ga) the way qemu's test-qga.c does: a command template with
 * {@code {dir}} (a fresh temporary directory, also the child's cwd) and {@code {sock}} ({@code
 * DIR/sock}), extra arguments appended, extra environment; connects to its socket; stops it with
 * SIGTERM and reports the exit status. The agent's own config file is neutralised
 * ({@code QGA_CONF} and {@code GUESTD_CONF} point at a file with only {@code [timesync] mode=off}) unless a config is given.
 */
final class AgentLauncher {
    /** The default template: {@code PROGRAM -m unix-listen -t {dir} -p {sock}}. */
    static final String STANDARD_ARGS = "-m unix-listen -t {dir} -p {sock}";

    private final List<String> template;
    private final Map<String, String> env;
    private final Path config;

    /**
     * @param template the agent command line, split on whitespace, with {@code {dir}}/{@code {sock}}
     * @param env extra environment for every start
     * @param config a config file for the agent, or null for none
     */
    AgentLauncher(String template, Map<String, String> env, Path config) {
        List<String> words = new ArrayList<>(List.of(template.trim().split("\\s+")));
        // the agent runs in its test dir: a relative program path must not depend on that
        if (words.get(0).contains("/") && !Path.of(words.get(0)).isAbsolute()) {
            words.set(0, Path.of(words.get(0)).toAbsolutePath().normalize().toString());
        }
        this.template = List.copyOf(words);
        this.env = new LinkedHashMap<>(env);
        this.config = config;
    }

    /** The program (first word of the template). */
    String program() {
        return template.get(0);
    }

    /** One running agent. */
    final class Running implements AutoCloseable {
        final Path dir;
        final Process process;
        final Path log;
        QgaClient client;

        Running(Path dir, Process process, Path log) {
            this.dir = dir;
            this.process = process;
            this.log = log;
        }

        /**
         * What the agent was doing when it had not exited 10 s after SIGTERM (its state and kernel
         * wait channel), and whether a second SIGTERM ended it; null when the first one did.
         */
        String slowStop;

        /**
         * SIGTERM, wait, and the exit status. An agent still running 10 s later gets a second SIGTERM
         * (noted in {@link #slowStop}); -1 when it had to be killed after that.
         */
        int stop() throws IOException, InterruptedException {
            if (client != null) {
                client.close();
            }
            process.destroy();
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
            String doing = procState(process.pid());
            process.destroy();
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                slowStop = "still running 10 s after SIGTERM (" + doing + "); a second SIGTERM ended it";
                return process.exitValue();
            }
            slowStop = "still running 20 s after two SIGTERMs (" + doing + "); killed";
            process.destroyForcibly().waitFor();
            return -1;
        }

        private static String procState(long pid) {
            try {
                String state = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                        .filter(l -> l.startsWith("State:")).findFirst().orElse("State: ?").trim();
                String wchan = Files.readString(Path.of("/proc/" + pid + "/wchan")).trim();
                return state + ", wchan " + wchan;
            } catch (IOException e) {
                return "state unknown: " + e.getMessage();
            }
        }

        String logText() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (process.isAlive()) {
                stop();
            }
            deleteTree(dir);
            deleteTree(log.getParent());
        }
    }

    /** Starts the agent with {@code extra} arguments and environment, and connects (11 s at most). */
    Running start(List<String> extra, Map<String, String> extraEnv) throws IOException {
        Path dir = Files.createTempDirectory("qgatest.");
        Path logDir = Files.createTempDirectory("qgatest-log.");
        Path log = logDir.resolve("agent.log");
        List<String> cmd = new ArrayList<>();
        for (String w : template) {
            cmd.add(w.replace("{dir}", dir.toString()).replace("{sock}", dir.resolve("sock").toString()));
        }
        cmd.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Path conf = config;
        if (conf == null) {
            conf = logDir.resolve("empty.conf");
            // no qemu-ga key; guestd's clock healing off, so no case can step this machine's clock
            Files.writeString(conf, "[timesync]\nmode=off\n");
        }
        pb.environment().put("QGA_CONF", conf.toString());
        pb.environment().put("GUESTD_CONF", conf.toString());
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            deleteTree(dir);
            deleteTree(logDir);
            throw e;
        }
        Running r = new Running(dir, process, log);
        try {
            r.client = connect(r, dir.resolve("sock"));
        } catch (IOException e) {
            String out = r.logText();
            try {
                r.close();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(e.getMessage() + (out.isEmpty() ? "" : "; agent output: " + out.strip()), e);
        }
        return r;
    }

    /** test-qga's connect_qga (11 attempts over ~11 s), giving up at once when the agent exits. */
    private static QgaClient connect(Running r, Path sock) throws IOException {
        long deadline = System.nanoTime() + 11_000_000_000L;
        while (true) {
            try {
                QgaClient c = QgaClient.connect(sock, Duration.ofMillis(250));
                c.timeout(Duration.ofSeconds(10));
                return c;
            } catch (IOException e) {
                if (!r.process.isAlive()) {
                    throw new IOException("agent exited with status " + r.process.exitValue() + " before accepting", e);
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** Result of running the program once without a channel ({@code -D}, {@code -V}). */
    record Output(int status, String stdout, String stderr) {}

    /** Runs {@code PROGRAM args} to completion with extra environment (30 s at most). */
    Output run(List<String> args, Map<String, String> extraEnv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program());
        cmd.addAll(args);
        Path tmp = Files.createTempDirectory("qgatest-run.");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().remove("QGA_CONF");
            pb.environment().remove("GUESTD_CONF");
            pb.environment().putAll(env);
            pb.environment().putAll(extraEnv);
            pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            return new Output(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
        } finally {
            deleteTree(tmp);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
