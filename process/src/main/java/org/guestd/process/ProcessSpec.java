// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A program to start.
 *
 * @param program a path, or a name without a slash looked up on PATH; it is also the child's argv[0]
 * @param args the arguments after argv[0]
 * @param environment the child's whole environment ({@code NAME=value}); empty: the agent's own
 * @param stdin bytes fed to the child's standard input through a pipe, which is then closed; empty:
 *     standard input is /dev/null
 * @param output which output streams are captured
 */
public record ProcessSpec(String program, List<String> args, Optional<List<String>> environment,
        Optional<byte[]> stdin, OutputMode output) {
    public ProcessSpec {
        Objects.requireNonNull(program, "program");
        args = List.copyOf(args);
        environment = environment.map(List::copyOf);
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(output, "output");
    }

    /** {@code program} with {@code args}, the agent's environment, no input, nothing captured. */
    public static ProcessSpec of(String program, String... args) {
        return new ProcessSpec(program, List.of(args), Optional.empty(), Optional.empty(), OutputMode.NONE);
    }

    public ProcessSpec withEnvironment(List<String> env) {
        return new ProcessSpec(program, args, Optional.of(env), stdin, output);
    }

    public ProcessSpec withStdin(byte[] data) {
        return new ProcessSpec(program, args, environment, Optional.of(data), output);
    }

    public ProcessSpec withOutput(OutputMode mode) {
        return new ProcessSpec(program, args, environment, stdin, mode);
    }
}
