// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import java.util.OptionalInt;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Spawn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started child: a waiter thread blocks in {@code waitpid} for it (so the wait status keeps
 * exit code and signal apart), and, when there are pipes, a pump thread feeds the input and drains
 * the output with {@code poll}. Neither ever runs on the I/O thread. As in qemu-ga the child
 * counts as exited only once it was reaped <em>and</em>, when output is captured, both output
 * pipes reached end of file.
 */
final class Child {
    private static final Logger LOG = LoggerFactory.getLogger(Child.class);
    private static final int IO_SIZE = 64 * 1024;

    final int pid;
    private final boolean hasOutput;
    private final Capture out;
    private final Capture err;
    private volatile boolean finished;
    private volatile int status;

    private Child(int pid, boolean hasOutput, int outputLimit) {
        this.pid = pid;
        this.hasOutput = hasOutput;
        this.out = new Capture(outputLimit);
        this.err = new Capture(outputLimit);
        if (!hasOutput) {
            out.close();
            err.close();
        }
    }

    /** Starts the threads for a spawned child. */
    static Child watch(Spawn.Child child, byte[] input, boolean hasOutput, int outputLimit) {
        Child p = new Child(child.pid(), hasOutput, outputLimit);
        if (child.stderr() < 0) {
            p.err.close();
        }
        if (child.stdout() < 0) {
            p.out.close();
        }
        start("guestd-exec-wait-" + child.pid(), p::awaitExit);
        if (child.stdin() >= 0 || child.stdout() >= 0 || child.stderr() >= 0) {
            start("guestd-exec-io-" + child.pid(), () -> p.pump(child, input));
        }
        return p;
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void awaitExit() {
        try {
            status = Spawn.waitpid(pid);
        } catch (NativeException e) {
            LOG.warn("child {}: {}", pid, e.getMessage());
            status = -1; // neither exited nor signaled: no exit code, no signal (as qemu-ga with an odd status)
        }
        finished = true;
    }

    private void pump(Spawn.Child child, byte[] input) {
        int[] fds = {child.stdin(), child.stdout(), child.stderr()};
        Capture[] sinks = {null, out, err};
        int written = 0;
        byte[] in = input == null ? new byte[0] : input;
        byte[] buf = new byte[IO_SIZE];
        try {
            if (fds[0] >= 0 && in.length == 0) {
                Spawn.close(fds[0]);
                fds[0] = -1;
            }
            while (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0) {
                short[] events = {Spawn.POLLOUT, Spawn.POLLIN, Spawn.POLLIN};
                short[] revents = new short[3];
                int[] polled = fds.clone();
                Spawn.poll(polled, events, revents, -1);
                if (fds[0] >= 0 && revents[0] != 0) {
                    int n;
                    try {
                        n = (revents[0] & Spawn.POLLOUT) != 0
                                ? Spawn.write(fds[0], in, written, Math.min(IO_SIZE, in.length - written)) : -1;
                    } catch (NativeException e) { // EPIPE: the child closed its stdin
                        n = -1;
                    }
                    if (n < 0) {
                        written = in.length;
                    } else {
                        written += n;
                    }
                    if (written >= in.length) {
                        Spawn.close(fds[0]);
                        fds[0] = -1;
                    }
                }
                for (int i = 1; i < 3; i++) {
                    if (fds[i] < 0 || revents[i] == 0) {
                        continue;
                    }
                    int n = Spawn.read(fds[i], buf);
                    if (n > 0) {
                        sinks[i].append(buf, n);
                    } else if (n == 0) {
                        Spawn.close(fds[i]);
                        fds[i] = -1;
                        sinks[i].close();
                    }
                }
            }
        } catch (NativeException | RuntimeException e) {
            LOG.warn("child {}: i/o error: {}", pid, e.getMessage());
        } finally {
            for (int i = 0; i < 3; i++) {
                Spawn.close(fds[i]);
            }
            out.close();
            err.close();
        }
    }

    /** Whether the end may be reported (reaped, and output complete). */
    boolean exited() {
        boolean done = finished;
        if (hasOutput) {
            done &= out.closed() && err.closed();
        }
        return done;
    }

    /** The final status (call only once {@link #exited}). */
    ProcessStatus finalStatus() {
        int s = status;
        OptionalInt code = OptionalInt.empty();
        OptionalInt signal = OptionalInt.empty();
        if (s != -1 && Spawn.exited(s)) {
            code = OptionalInt.of(Spawn.exitStatus(s));
        } else if (s != -1 && Spawn.signaled(s)) {
            signal = OptionalInt.of(Spawn.termSignal(s));
        }
        return new ProcessStatus(true, code, signal, out.output(), err.output());
    }
}
