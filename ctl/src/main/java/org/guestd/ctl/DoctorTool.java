// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code guestctl doctor [--state-dir DIR]}: one line per problem found, each with its fix; "no
 * problems found" otherwise. Exit status 0 when nothing was found, 1 when something was.
 */
final class DoctorTool {
    private DoctorTool() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args, Set.of("-h", "--help"), Set.of("--state-dir"));
        } catch (Options.UsageException e) {
            err.println("guestctl doctor: " + e.getMessage() + "\n" + GuestCtl.HELP);
            return GuestCtl.USAGE;
        }
        if (o.has("-h") || o.has("--help") || !o.positional().isEmpty()) {
            (o.positional().isEmpty() ? out : err).println("usage: guestctl doctor [--state-dir DIR]");
            return o.positional().isEmpty() ? 0 : GuestCtl.USAGE;
        }
        Roots roots = o.roots();
        List<Doctor.Finding> found = new Doctor(roots, roots.stateDir(o.value("--state-dir"))).run();
        if (found.isEmpty()) {
            out.println("no problems found");
            return 0;
        }
        for (Doctor.Finding f : found) {
            out.println(f.line());
        }
        return 1;
    }
}
