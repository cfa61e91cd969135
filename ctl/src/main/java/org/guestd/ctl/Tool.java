// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.io.PrintStream;
import java.util.List;

/** One {@code guestctl} command: its arguments (after the command's name) in, an exit status out. */
@FunctionalInterface
public interface Tool {
    /** Runs the command; returns the process exit status. */
    int run(List<String> args, PrintStream out, PrintStream err);
}
