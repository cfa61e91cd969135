// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guestd.core.AgentException;

/**
 * The real {@link CommandRunner}: {@link ProcessBuilder}, output captured, killed on timeout.
 *
 * <p>On timeout the program's descendants are killed first, then the program (a hook script's
 * {@code sleep} must not outlive it). Output is drained by two daemon threads; once the program
 * has exited, they get {@link #DRAIN_GRACE} to reach end of file, so a program that left a
 * background child holding its stdout or stderr (a hook that starts a daemon) does not make the
 * caller wait for that child: what was read by then is the output.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** How long the output drains may take after the program exited. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration timeout) throws AgentException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw AgentException.generic("failed to execute " + argv.get(0) + ": " + e.getMessage(), e);
        }
        Drain out = new Drain(p.getInputStream(), "guestd-cmd-out");
        Drain err = new Drain(p.getErrorStream(), "guestd-cmd-err");
        try {
            if (stdin != null) {
                try (OutputStream os = p.getOutputStream()) {
                    os.write(stdin);
                } catch (IOException ignored) {
                    // the program closed its stdin early; its exit code tells the story
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new CommandTimeoutException(argv.get(0) + " timed out after " + timeout.toMillis() + " ms");
            }
            long graceEnd = System.nanoTime() + DRAIN_GRACE.toNanos();
            byte[] stdout = out.await(graceEnd);
            byte[] stderr = err.await(graceEnd);
            return new CommandResult(p.exitValue(), stdout, stderr);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw AgentException.generic("interrupted while running " + argv.get(0), e);
        }
    }

    /** SIGKILL to the descendants (while they are still ours to find), then the program; waits for it. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one output stream to its end on a daemon thread. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(); // synchronized methods

        Drain(InputStream in, String name) {
            super(name);
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] b = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(b)) > 0) {
                    buf.write(b, 0, n);
                }
            } catch (IOException ignored) {
                // process went away; keep what was read
            }
        }

        /** What was read when the stream ended, or at {@code deadline} (System.nanoTime) if it had not. */
        byte[] await(long deadline) throws InterruptedException {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(this, left);
            }
            return buf.toByteArray();
        }
    }
}
