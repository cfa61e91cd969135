// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.guestd.core.AgentException;

/**
 * Runs external programs (shutdown, hwclock, hooks). Injected everywhere a program is run, so tests
 * substitute canned results and never run a real power or clock command (WALA {@code MockCommand}).
 */
public interface CommandRunner {
    /**
     * Runs {@code argv} to completion.
     *
     * @param argv the program and its arguments; {@code argv.get(0)} is an absolute path or a name
     *     looked up on PATH
     * @param stdin bytes written to the program's standard input, or null for /dev/null
     * @param timeout the program and its descendants are killed (SIGKILL) when it runs longer
     * @return exit code and captured output (what a program that has exited wrote; output that
     *     descendants it left running write later is not waited for)
     * @throws CommandTimeoutException when it ran longer than {@code timeout}
     * @throws AgentException GenericError when the program cannot be started (the cause is the
     *     {@link java.io.IOException} that says why)
     */
    CommandResult run(List<String> argv, byte[] stdin, Duration timeout) throws AgentException;

    /** Result of {@link #run}. A program killed by a signal has {@code exitCode = 128 + signal}. */
    record CommandResult(int exitCode, byte[] stdout, byte[] stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8);
        }
    }
}
