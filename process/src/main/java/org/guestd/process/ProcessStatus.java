// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import java.util.OptionalInt;

/**
 * What is known of a started child.
 *
 * @param exited true once the child was reaped and every captured stream reached its end; the
 *     other members are meaningful only then
 * @param exitCode the exit status, when the child exited normally
 * @param signal the terminating signal, when a signal ended it (never folded into an exit code)
 * @param stdout what was captured from standard output (empty when not captured)
 * @param stderr what was captured from standard error (empty when not captured)
 */
public record ProcessStatus(boolean exited, OptionalInt exitCode, OptionalInt signal, Output stdout, Output stderr) {
    /** Captured bytes of one stream, at most the runner's output limit. */
    public record Output(byte[] data, boolean truncated) {
        static final Output NONE = new Output(new byte[0], false);
    }

    static final ProcessStatus RUNNING = new ProcessStatus(false, OptionalInt.empty(), OptionalInt.empty(),
            Output.NONE, Output.NONE);
}
