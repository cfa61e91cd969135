// SPDX-License-Identifier: Apache-2.0
package org.guestd.ctl;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code guestctl}, the guest administrator's tool: {@code status} (what the running agent says in
 * its status file, without root and without talking to a channel), {@code doctor} (the set-up
 * mistakes, one line each with the fix), and {@code kvp} (the Hyper-V pools, kvp's tool). A new
 * command is one entry in {@link #TOOLS}; a command this table does not know goes to kvp's tool
 * ({@code org.guestd.kvp.cli.GuestCtl}), so commands added there work as well.
 */
public final class GuestCtl {
    static final int USAGE = 2;

    /** The commands, in the order {@code --help} lists them. */
    static final Map<String, Tool> TOOLS = new LinkedHashMap<>();

    static {
        TOOLS.put("status", StatusTool::run);
        TOOLS.put("doctor", DoctorTool::run);
        TOOLS.put("kvp", (a, o, e) -> kvp("kvp", a, o, e));
        TOOLS.put("azure", (a, o, e) -> kvp("azure", a, o, e));
    }

    static final String HELP = String.join("\n",
            "usage: guestctl status [--json] [--state-dir DIR]    what the running guestd reports (no root needed)",
            "       guestctl doctor                              set-up problems, one line each with the fix",
            "       guestctl kvp list|get|set|delete ...         Hyper-V KVP pools (guestctl kvp --help)",
            "       guestctl azure status [--json]               Azure provisioning state and last report",
            "       guestctl --help",
            "status and doctor also take --root DIR (read the system under DIR: an image or a test tree)",
            "and --config FILE (instead of /etc/guestd/guestd.conf).",
            "Exit status: status 0 running, 1 not running, 3 no status file; doctor 0 nothing found, 1 problems;",
            "2 usage error.");

    private GuestCtl() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(HELP);
            return USAGE;
        }
        if (args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.println(HELP);
            return 0;
        }
        Tool t = TOOLS.get(args[0]);
        if (t == null) {
            return kvp(Arrays.asList(args), out, err, true);
        }
        return t.run(List.of(args).subList(1, args.length), out, err);
    }

    /** A command of kvp's cli ({@code kvp …}, {@code azure …}). */
    private static int kvp(String command, List<String> args, PrintStream out, PrintStream err) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(args);
        return kvp(all, out, err, false);
    }

    /** kvp's tool with the whole command line ({@code kvp …}, or a command added to kvp's cli). */
    private static int kvp(List<String> all, PrintStream out, PrintStream err, boolean unknownHere) {
        int rc = org.guestd.kvp.cli.GuestCtl.run(all.toArray(String[]::new), out, err);
        if (unknownHere && rc == USAGE) {
            err.println();
            err.println(HELP);
        }
        return rc;
    }
}
