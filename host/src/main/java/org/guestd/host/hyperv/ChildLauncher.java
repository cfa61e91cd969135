// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.hyperv;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.guestd.jna.linux.FdSpawn;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Spawn;

/**
 * Starts a child process that inherits chosen descriptors at chosen numbers, which
 * {@link ProcessBuilder} cannot do (it closes everything but 0-2 in the child), through native's
 * {@link FdSpawn}: stdin from /dev/null, stdout and stderr to a log file, each
 * {@code (source fd -> child fd)} by {@code dup2}, and every other descriptor above them closed, so
 * nothing else of the JVM leaks into the child. The child is waited for and signalled by its own
 * pid only.
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
                try {
                    exitStatus = FdSpawn.tryWait(pid);
                } catch (NativeException e) {
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
                    Spawn.kill(pid, sig);
                } catch (NativeException e) {
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
        for (Map.Entry<Integer, Integer> e : fds.entrySet()) {
            if (e.getValue() < 3) {
                throw new IllegalArgumentException("child descriptor " + e.getValue() + " is one of 0-2");
            }
            if (fds.containsValue(e.getKey()) && !e.getKey().equals(e.getValue())) {
                throw new IllegalArgumentException("descriptor " + e.getKey() + " is both a source and a target");
            }
        }
        int pid = FdSpawn.spawn(argv, env, fds, log.toString());
        return new Child(pid, Path.of(argv.get(0)).getFileName().toString());
    }
}
