// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a child process that inherits chosen descriptors at chosen numbers, which
 * {@link ProcessBuilder} cannot do (it closes everything but 0-2 in the child). Built on glibc's
 * {@code posix_spawn} with file actions: stdin from /dev/null, stdout and stderr to a log file,
 * each {@code (source fd -> child fd)} by {@code dup2} (which clears close-on-exec on the copy),
 * and every other descriptor above them closed ({@code addclosefrom_np}, glibc 2.34+), so nothing
 * else of the JVM leaks into the child. The child is waited for and signalled by its own pid only.
 */
public final class ChildLauncher {
    private ChildLauncher() {}

    /** A started child. */
    public static final class Child implements AutoCloseable {
        private final int pid;
        private final String name;
        private Integer exitStatus;

        Child(int pid, String name) {
            this.pid = pid;
            this.name = name;
        }

        public int pid() {
            return pid;
        }

        /** Whether it is still running (reaps it if it ended). */
        public synchronized boolean isAlive() {
            return poll() == null;
        }

        /** The wait status once ended, else null. */
        public synchronized Integer poll() {
            if (exitStatus == null) {
                int[] st = new int[1];
                try {
                    if (HostLibc.waitpid(pid, st, HostLibc.WNOHANG) == pid) {
                        exitStatus = st[0];
                    }
                } catch (LastErrorException e) {
                    exitStatus = -1; // ECHILD: already reaped
                }
            }
            return exitStatus;
        }

        /** SIGTERM, up to {@code grace} for it to end, then SIGKILL; returns the wait status. */
        public synchronized int stop(Duration grace) {
            signal(15);
            long deadline = System.nanoTime() + grace.toNanos();
            while (poll() == null && System.nanoTime() < deadline) {
                sleep();
            }
            if (poll() == null) {
                signal(9);
                while (poll() == null) {
                    sleep();
                }
            }
            return exitStatus;
        }

        private void signal(int sig) {
            if (exitStatus == null) {
                try {
                    HostLibc.kill(pid, sig);
                } catch (LastErrorException e) {
                    // already gone
                }
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop(Duration.ofSeconds(2));
        }

        @Override
        public String toString() {
            return name + "[" + pid + "]";
        }
    }

    /**
     * Starts {@code argv[0]} (an absolute path) with {@code env} as its whole environment.
     *
     * @param fds source descriptor in this process → descriptor number in the child (3 and up)
     * @param log where the child's stdout and stderr go (created or truncated)
     */
    public static Child spawn(List<String> argv, Map<String, String> env, Map<Integer, Integer> fds, Path log)
            throws IOException {
        Memory actions = new Memory(1024); // posix_spawn_file_actions_t is 80 bytes on glibc x86-64/arm64
        Memory pid = new Memory(4);
        check("posix_spawn_file_actions_init", HostLibc.posix_spawn_file_actions_init(actions));
        try {
            check("addopen stdin", HostLibc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0, 0));
            check("addopen stdout", HostLibc.posix_spawn_file_actions_addopen(actions, 1, log.toString(),
                    HostLibc.O_WRONLY | HostLibc.O_CREAT | HostLibc.O_TRUNC, 0644));
            check("adddup2 stderr", HostLibc.posix_spawn_file_actions_adddup2(actions, 1, 2));
            int highest = 2;
            for (Map.Entry<Integer, Integer> e : fds.entrySet()) {
                if (e.getValue() < 3) {
                    throw new IllegalArgumentException("child descriptor " + e.getValue() + " is one of 0-2");
                }
                if (fds.containsValue(e.getKey()) && !e.getKey().equals(e.getValue())) {
                    throw new IllegalArgumentException("descriptor " + e.getKey() + " is both a source and a target");
                }
                check("adddup2", HostLibc.posix_spawn_file_actions_adddup2(actions, e.getKey(), e.getValue()));
                highest = Math.max(highest, e.getValue());
            }
            check("addclosefrom_np", HostLibc.posix_spawn_file_actions_addclosefrom_np(actions, highest + 1));
            List<String> envp = new ArrayList<>();
            env.forEach((k, v) -> envp.add(k + "=" + v));
            check("posix_spawn " + argv.get(0), HostLibc.posix_spawn(pid, argv.get(0), actions, null,
                    new StringArray(argv.toArray(new String[0])), new StringArray(envp.toArray(new String[0]))));
            return new Child(pid.getInt(0), Path.of(argv.get(0)).getFileName().toString());
        } finally {
            HostLibc.posix_spawn_file_actions_destroy(actions);
        }
    }

    private static void check(String what, int rc) throws IOException {
        if (rc != 0) {
            throw new IOException(what + " failed: error " + rc);
        }
    }
}
