// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.guestd.core.config.ConfigException;
import org.guestd.qga.QgaService;

/** {@code guestd} entry point. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int rc = run(args, System.out, System.err, System.getenv());
        System.exit(rc);
    }

    /**
     * Parses the command line and runs the agent until SIGTERM/SIGINT.
     *
     * @return the process exit status: 0 after a clean stop or an informational option, 1 on errors
     */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length > 0 && args[0].equals("deprovision")) {
            Logging.off();
            return Deprovision.run(Arrays.asList(args).subList(1, args.length), System.in, out, err);
        }
        if (args.length > 0 && args[0].equals("provision")) {
            return Provision.run(Arrays.asList(args).subList(1, args.length), env, out, err);
        }
        CommandLine cl;
        Settings settings;
        try {
            cl = CommandLine.parse(Arrays.asList(args));
            if (cl.has(Option.HELP)) {
                Logging.off();
                out.print(CommandLine.usage());
                return 0;
            }
            if (cl.has(Option.VERSION)) {
                Logging.off();
                out.println("guestd " + Version.get());
                return 0;
            }
            if (cl.has(Option.BLOCK_RPCS) && (cl.get(Option.BLOCK_RPCS).equals("help")
                    || cl.get(Option.BLOCK_RPCS).equals("?"))) {
                Logging.off();
                QgaService.commandNames().forEach(out::println); // qemu-ga: -b help
                return 0;
            }
            settings = Settings.resolve(cl, env);
        } catch (ConfigException e) {
            Logging.off();
            err.println("guestd: " + e.getMessage());
            err.println("Try 'guestd --help' for more information.");
            return 1;
        }
        if (cl.has(Option.DUMP_CONF)) {
            Logging.off();
            out.print(settings.dump());
            return 0;
        }
        return new Agent(settings, env).runUntilStopped();
    }
}
