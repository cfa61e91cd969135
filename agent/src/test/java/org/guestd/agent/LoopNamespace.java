// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loop-mounted ext4/xfs images in a private mount namespace with {@code bin/guestd} running inside
 * it (test/sh/freeze-loop-ns.sh under {@code unshare -m --propagation private}), for the real
 * freeze tests. Two guards keep every freeze away from this machine's filesystems: this helper
 * refuses any mountpoint that is not one of its own loop mounts under its temp dir, and the agent
 * reads its mount table from a proc root ({@code --proc-root}) that lists only those loop mounts,
 * which {@link #start} checks before any test sends a command.
 */
final class LoopNamespace implements AutoCloseable {
    /** Image sizes: mkfs.xfs refuses filesystems under 300 MB (sparse files: no real disk use). */
    static final Map<String, Long> SIZE = Map.of("ext4", 64L << 20, "xfs", 300L << 20);

    final Path dir;
    final Path state;
    final Path socket;
    private final Process wrapper;
    private final Map<String, Path> mounts = new LinkedHashMap<>();

    private LoopNamespace(Path dir, Process wrapper, List<String> names) {
        this.dir = dir;
        this.state = dir.resolve("state");
        this.socket = state.resolve("qga.sock");
        this.wrapper = wrapper;
        for (String n : names) {
            mounts.put(n, dir.resolve("mnt").resolve(n));
        }
    }

    /** Null when the real freeze tests can run here, else why not. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (loop devices, mount namespaces, FIFREEZE)";
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) {
            return "no loop devices (/dev/loop-control missing)";
        }
        for (String tool : List.of("unshare", "nsenter", "mount", "losetup", "fsfreeze", "mkfs.ext4", "mkfs.xfs")) {
            if (which(tool) == null) {
                return tool + " not installed" + (tool.equals("mkfs.xfs") ? " (xfsprogs)" : "");
            }
        }
        return null;
    }

    private static Path which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String d : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool);
            }
        }
        return null;
    }

    /**
     * Makes the images ({@code name → fs type}, name = type here), starts the namespace and the
     * agent in it, waits for its socket and checks the proc root.
     *
     * @param config the agent's config file text
     */
    static LoopNamespace start(Path tmp, List<String> fsTypes, String config, String... agentArgs)
            throws IOException, InterruptedException {
        Path dir = tmp.toRealPath();
        if (!dir.startsWith("/tmp/") && !dir.startsWith("/var/tmp/")) {
            throw new IllegalStateException("refusing a work dir outside /tmp: " + dir);
        }
        Files.createDirectories(dir.resolve("img"));
        Files.createDirectories(dir.resolve("state"));
        for (String fs : fsTypes) {
            Path img = dir.resolve("img").resolve(fs + ".img");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(SIZE.get(fs));
            }
            run(List.of("mkfs." + fs, "-q", fs.equals("ext4") ? "-F" : "-f", img.toString()));
        }
        Files.writeString(dir.resolve("guestd.conf"), config);
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "--", "sh",
                AgentProcess.REPO.resolve("agent/src/test/sh/freeze-loop-ns.sh").toString(), dir.toString(), "--",
                AgentProcess.REPO.resolve("bin/guestd").toString(), "-m", "unix-listen", "-p",
                dir.resolve("state/qga.sock").toString(), "-t", dir.resolve("state").toString(),
                "--proc-root", dir.resolve("proc").toString()));
        cmd.addAll(List.of(agentArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("GUESTD_CONF", dir.resolve("guestd.conf").toString());
        pb.environment().remove("QGA_CONF");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("guestd.log").toFile()));
        LoopNamespace ns = new LoopNamespace(dir, pb.start(), fsTypes);
        ns.awaitAgent();
        ns.checkProcRoot();
        return ns;
    }

    /** Waits for the agent's pid file and socket (a hang guard, not a timing assertion). */
    void awaitAgent() throws InterruptedException, IOException {
        for (int i = 0; i < 3000 && !(Files.exists(dir.resolve("agent.pid")) && Files.exists(socket)); i++) {
            if (!wrapper.isAlive()) {
                throw new IllegalStateException("namespace wrapper exited " + wrapper.exitValue() + ": " + log());
            }
            Thread.sleep(10);
        }
        if (!Files.exists(socket)) {
            throw new IllegalStateException("agent did not come up: " + log());
        }
    }

    /** Guard 2: the proc root the agent reads lists exactly this helper's loop mounts, nothing else. */
    private void checkProcRoot() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("proc/self/mountinfo"));
        if (lines.size() != mounts.size()) {
            throw new IllegalStateException("proc root lists " + lines.size() + " mounts, expected " + mounts.size()
                    + ": " + lines);
        }
        for (String l : lines) {
            String[] f = l.split(" ");
            if (!f[2].startsWith("7:") || !mounts.containsValue(Path.of(f[4]))) {
                throw new IllegalStateException("proc root lists a mount that is not ours: " + l);
            }
        }
    }

    /** Guard 1: the mountpoint of one of our loop mounts; anything else is refused. */
    String mountpoint(String name) {
        Path p = mounts.get(name);
        return owned(p == null ? dir.resolve("mnt").resolve(name) : p);
    }

    /** Refuses (throws) any path that is not one of this helper's loop mountpoints. */
    String owned(Path p) {
        Path n = p.toAbsolutePath().normalize();
        if (!n.startsWith(dir.resolve("mnt")) || !mounts.containsValue(n)) {
            throw new IllegalArgumentException("refusing to freeze " + p + ": not a loop mount of this test under "
                    + dir);
        }
        return n.toString();
    }

    long agentPid() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("agent.pid")).trim());
    }

    /** A writer inside the namespace: dd of 1 MiB with fsync into the mount; blocks while it is frozen. */
    Process writer(String name, String file) throws IOException {
        String target = mountpoint(name) + "/" + file;
        return new ProcessBuilder("nsenter", "-t", Long.toString(agentPid()), "-m", "--", "dd", "if=/dev/zero",
                "of=" + target, "bs=64k", "count=16", "conv=fsync", "status=none")
                .redirectErrorStream(true).redirectOutput(dir.resolve("writer-" + name + ".log").toFile()).start();
    }

    /** Size of a file inside the namespace (read through nsenter). */
    long sizeInside(String name, String file) throws IOException, InterruptedException {
        String out = run(List.of("nsenter", "-t", Long.toString(agentPid()), "-m", "--", "stat", "-c", "%s",
                mountpoint(name) + "/" + file));
        return Long.parseLong(out.trim());
    }

    /** Waits until {@code p} sleeps uninterruptibly (state D: blocked on the frozen filesystem). */
    static void awaitBlocked(Process p) throws IOException, InterruptedException {
        for (int i = 0; i < 3000; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("writer finished while the filesystem was frozen (exit " + p.exitValue() + ")");
            }
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == 'D') {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("writer never blocked");
    }

    /** SIGKILL to the agent, which the wrapper then starts again in the same namespace. */
    void killAndRestart() throws IOException {
        long pid = agentPid();
        Files.writeString(dir.resolve("restart"), "");
        Files.deleteIfExists(dir.resolve("agent.pid"));
        Files.deleteIfExists(socket);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** SIGTERM to the agent; returns the wrapper's exit status (the agent's). */
    int terminate() throws InterruptedException, IOException {
        ProcessHandle.of(agentPid()).ifPresent(ProcessHandle::destroy);
        if (!wrapper.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("agent did not stop: " + log());
        }
        return wrapper.exitValue();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("guestd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String cleanupLog() throws IOException {
        Path p = dir.resolve("cleanup.log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /**
     * Never leaves a filesystem frozen, whatever state the test failed in: thaws every loop mount
     * from inside the namespace first (the wrapper's pid is in it), then stops the agent and the
     * wrapper, which unmounts. The temp dir must not be deleted while the namespace lives: removing
     * a mountpoint detaches the mounts of other namespaces, and a frozen superblock would be left
     * without a path to thaw it by.
     */
    @Override
    public void close() throws Exception {
        Files.deleteIfExists(dir.resolve("restart"));
        if (!wrapper.isAlive()) {
            return;
        }
        for (Path m : mounts.values()) {
            new ProcessBuilder("nsenter", "-t", Long.toString(wrapper.pid()), "-m", "--", "fsfreeze", "-u",
                    owned(m)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
        wrapper.descendants().forEach(ProcessHandle::destroy); // SIGTERM: the agent stops cleanly
        if (!wrapper.waitFor(60, TimeUnit.SECONDS)) {
            wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
            wrapper.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
        return out;
    }
}
