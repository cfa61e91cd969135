// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.env.CommandRunner;

/**
 * Canned results for programs, keyed by argv[0]; records every invocation. An unknown program
 * fails the way a missing binary does, so a test never silently "succeeds" at running something.
 */
public final class FakeCommandRunner implements CommandRunner {
    private final Map<String, CommandResult> results = new LinkedHashMap<>();
    private final Map<List<String>, CommandResult> byArgv = new LinkedHashMap<>();
    private final Map<String, AgentException> failures = new LinkedHashMap<>();
    private final List<List<String>> calls = new ArrayList<>();
    private final List<Duration> timeouts = new ArrayList<>();

    public FakeCommandRunner answer(String program, int exitCode, String stdout) {
        results.put(program, new CommandResult(exitCode, stdout.getBytes(), new byte[0]));
        return this;
    }

    /** A canned result for exactly this argv; takes precedence over {@link #answer(String, int, String)}. */
    public synchronized FakeCommandRunner answer(List<String> argv, int exitCode, String stdout) {
        byArgv.put(List.copyOf(argv), new CommandResult(exitCode, stdout.getBytes(), new byte[0]));
        return this;
    }

    /**
     * Running {@code program} throws {@code failure} (e.g. a {@link
     * org.guestd.core.env.CommandTimeoutException}); takes precedence over canned results.
     */
    public synchronized FakeCommandRunner fail(String program, AgentException failure) {
        failures.put(program, failure);
        return this;
    }

    @Override
    public synchronized CommandResult run(List<String> argv, byte[] stdin, Duration timeout) throws AgentException {
        calls.add(List.copyOf(argv));
        timeouts.add(timeout);
        AgentException failure = failures.get(argv.get(0));
        if (failure != null) {
            throw failure;
        }
        CommandResult r = byArgv.get(argv);
        if (r == null) {
            r = results.get(argv.get(0));
        }
        if (r == null) {
            throw AgentException.generic("failed to execute " + argv.get(0) + ": No such file or directory");
        }
        return r;
    }

    public synchronized List<List<String>> calls() {
        return new ArrayList<>(calls);
    }

    /** The timeout of every call, in call order. */
    public synchronized List<Duration> timeouts() {
        return new ArrayList<>(timeouts);
    }
}
