// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.jna.linux.CStream;
import org.guestd.jna.linux.NativeException;
import org.guestd.jna.linux.Spawn;

/**
 * Runs programs for a host and keeps the children until their end has been collected, shared by
 * every channel and connection (qemu-ga's {@code guest_exec_state.processes}).
 *
 * <p>A child is started with {@code posix_spawn} (not {@link java.lang.Process}, which cannot tell
 * a signal from exit 128+n): argv[0] is the program as given, a name without a slash is searched on
 * PATH as GLib does ({@link PathSearch}), a file without {@code #!} runs with {@code /bin/sh}; the
 * environment is exactly the given one or the agent's; the agent's working directory; default
 * signal dispositions and an empty mask; every descriptor above 2 closed. Standard input is a pipe
 * only when input is given; captured output is read by a per-child thread and kept up to the
 * output limit per stream (the rest is read and dropped, the stream marked truncated).
 *
 * <p>{@link #poll} reports a child as exited only once it was reaped <em>and</em> its captured
 * streams ended; that report is given once, and the child is then forgotten.
 */
public final class ProcessRunner {
    /** The output kept per stream by default: 16 MiB, qemu-ga's {@code GUEST_EXEC_MAX_OUTPUT}. */
    public static final int DEFAULT_OUTPUT_LIMIT = 16 * 1024 * 1024;

    private final int outputLimit;
    private final Map<Long, Child> children = new LinkedHashMap<>();

    /** A runner keeping {@link #DEFAULT_OUTPUT_LIMIT} bytes per stream. */
    public ProcessRunner() {
        this(DEFAULT_OUTPUT_LIMIT);
    }

    /** @param outputLimit bytes kept per captured stream */
    public ProcessRunner(int outputLimit) {
        if (outputLimit < 0) {
            throw new IllegalArgumentException("output limit " + outputLimit);
        }
        this.outputLimit = outputLimit;
    }

    /** The bytes kept per captured stream. */
    public int outputLimit() {
        return outputLimit;
    }

    /**
     * Starts a child.
     *
     * @return its pid
     * @throws ProcessException when the program cannot be found or executed
     */
    public int start(ProcessSpec spec) throws ProcessException {
        List<String> argv = new ArrayList<>();
        argv.add(spec.program());
        argv.addAll(spec.args());
        OutputMode mode = spec.output();
        Spawn.Stderr stderr = mode.capturesStderr() ? Spawn.Stderr.PIPE
                : mode == OutputMode.MERGED ? Spawn.Stderr.TO_STDOUT : Spawn.Stderr.NULL;
        Spawn.Child spawned = spawn(spec.program(), argv, spec.environment(), spec.stdin().isPresent(),
                mode.capturesStdout(), stderr);
        Child child = Child.watch(spawned, spec.stdin().orElse(null), mode != OutputMode.NONE, outputLimit);
        synchronized (this) {
            children.put((long) child.pid, child);
        }
        return child.pid;
    }

    /**
     * The state of child {@code pid}: not exited yet, or its end (given once; the child is then
     * forgotten).
     *
     * @return empty when no child with this pid is known here (never started, or its end was
     *     already collected)
     */
    public Optional<ProcessStatus> poll(long pid) {
        Child c;
        synchronized (this) {
            c = children.get(pid);
            if (c == null) {
                return Optional.empty();
            }
            if (!c.exited()) {
                return Optional.of(ProcessStatus.RUNNING);
            }
            children.remove(pid, c);
        }
        return Optional.of(c.finalStatus());
    }

    /** The number of children whose end has not been collected. */
    public synchronized int size() {
        return children.size();
    }

    private static Spawn.Child spawn(String program, List<String> argv, Optional<List<String>> env, boolean stdin,
            boolean stdout, Spawn.Stderr stderr) throws ProcessException {
        List<String> envp = env.orElseGet(ProcessRunner::agentEnvironment);
        PathSearch.Result found = PathSearch.resolve(program, env.orElse(null), System.getenv("PATH"));
        if (found.path() == null) {
            throw failed(program, found.errno());
        }
        try {
            return Spawn.spawn(found.path(), argv, envp, stdin, stdout, stderr);
        } catch (NativeException e) {
            if (!e.isExecFormatError()) {
                throw failed(program, e.errno());
            }
        }
        // GLib runs a file without a #! line with /bin/sh, as execvp does
        List<String> viaShell = new ArrayList<>();
        viaShell.add("/bin/sh");
        viaShell.add(found.path());
        viaShell.addAll(argv.subList(1, argv.size()));
        try {
            return Spawn.spawn("/bin/sh", viaShell, envp, stdin, stdout, stderr);
        } catch (NativeException e) {
            throw failed(program, e.errno());
        }
    }

    private static ProcessException failed(String program, int errno) {
        return new ProcessException(program, CStream.strerror(errno));
    }

    private static List<String> agentEnvironment() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            out.add(e.getKey() + "=" + e.getValue());
        }
        return out;
    }
}
