// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Spawn;
import org.guestd.qga.command.QBase64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guest-exec child: a waiter thread blocks in {@code waitpid} for it (so the wait status keeps
 * exit code and signal apart), and, when there are pipes, a pump thread feeds {@code input-data}
 * and drains the output with {@code poll}. Neither ever runs on the I/O thread. As in qemu-ga the
 * child counts as exited only once it was reaped <em>and</em>, when output is captured, both
 * output pipes reached end of file.
 */
final class ExecProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ExecProcess.class);
    private static final int IO_SIZE = 64 * 1024;

    final int pid;
    private final boolean hasOutput;
    final Capture out = new Capture();
    final Capture err = new Capture();
    private volatile boolean finished;
    private volatile int status;

    private ExecProcess(int pid, boolean hasOutput) {
        this.pid = pid;
        this.hasOutput = hasOutput;
        if (!hasOutput) {
            out.close();
            err.close();
        }
    }

    /** Starts the threads for a spawned child. */
    static ExecProcess watch(Spawn.Child child, byte[] input, boolean hasOutput) {
        ExecProcess p = new ExecProcess(child.pid(), hasOutput);
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
            LOG.warn("guest-exec child {}: {}", pid, e.getMessage());
            status = -1; // neither exited nor signaled: no exitcode, no signal (as qemu-ga with an odd status)
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
            LOG.warn("guest-exec child {}: i/o error: {}", pid, e.getMessage());
        } finally {
            for (int i = 0; i < 3; i++) {
                Spawn.close(fds[i]);
            }
            out.close();
            err.close();
        }
    }

    /** Whether the status call may report the end (reaped, and output complete). */
    boolean exited() {
        boolean done = finished;
        if (hasOutput) {
            done &= out.closed() && err.closed();
        }
        return done;
    }

    /** GuestExecStatus as qemu-ga builds it (call only once {@link #exited}). */
    Map<String, Object> finalStatus() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exited", true);
        int s = status;
        if (s != -1 && Spawn.exited(s)) {
            m.put("exitcode", (long) Spawn.exitStatus(s));
        } else if (s != -1 && Spawn.signaled(s)) {
            m.put("signal", (long) Spawn.termSignal(s));
        }
        if (out.length() > 0) {
            m.put("out-data", QBase64.encode(out.bytes(), out.length()));
            m.put("out-truncated", out.truncated());
        }
        if (err.length() > 0) {
            m.put("err-data", QBase64.encode(err.bytes(), err.length()));
            m.put("err-truncated", err.truncated());
        }
        return m;
    }
}
