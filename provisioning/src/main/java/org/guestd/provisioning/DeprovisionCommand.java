// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.guestd.accounts.AccountException;

/**
 * {@code guestd deprovision [--user] [--dry-run] [--force] [--state-dir DIR]}: lists what {@link
 * Deprovisioner} would do, asks for confirmation unless {@code --force}, then does it; {@code
 * --dry-run} lists and changes nothing. Exit status: 0 done (or dry run, or declined), 1 an action
 * failed, 2 usage.
 */
public final class DeprovisionCommand {
    static final String USAGE = String.join("\n",
            "usage: guestd deprovision [--user] [--dry-run] [--force] [--state-dir DIR]",
            "Prepares this VM for capture as an image (as waagent -deprovision[+user]): removes the SSH host keys,",
            "cached DHCP leases, guestd's provisioning state and drop-ins, resets the host name; --user also deletes",
            "the provisioned admin user and its home. --dry-run lists and removes nothing; --force does not ask.");

    private DeprovisionCommand() {}

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code deprovision}
     * @param deprovisioner builds the deprovisioner for a state directory
     * @param extra the protocols' actions
     */
    public static int run(List<String> args, Function<Path, Deprovisioner> deprovisioner, List<Deprovisioner.Action> extra,
            InputStream in, PrintStream out, PrintStream err) {
        boolean user = false;
        boolean dry = false;
        boolean force = false;
        Path stateDir = Path.of(ProvisioningSettings.DEFAULT_STATE_DIR);
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--user", "-user", "+user" -> user = true;
                case "--dry-run", "-n" -> dry = true;
                case "--force", "-f" -> force = true;
                case "--state-dir" -> {
                    if (++i >= args.size()) {
                        err.println(USAGE);
                        return 2;
                    }
                    stateDir = Path.of(args.get(i));
                }
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    err.println("guestd deprovision: unknown option " + args.get(i));
                    err.println(USAGE);
                    return 2;
                }
            }
        }
        List<Deprovisioner.Action> plan;
        try {
            plan = deprovisioner.apply(stateDir).plan(user, extra);
        } catch (IOException | AccountException | RuntimeException e) {
            err.println("guestd deprovision: " + e.getMessage());
            return 1;
        }
        out.println(dry ? "guestd deprovision would:" : "guestd deprovision will:");
        plan.forEach(a -> out.println("  - " + a.description()));
        if (dry) {
            out.println("dry run: nothing was changed");
            return 0;
        }
        if (!force) {
            out.print("WARNING! This VM will no longer be usable as it is. Do you want to proceed (y/n)? ");
            out.flush();
            String answer;
            try {
                answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
                out.println("not confirmed: nothing was changed");
                return 0;
            }
        }
        int failed = 0;
        for (Deprovisioner.Action a : plan) {
            try {
                a.task().run();
            } catch (Exception e) {
                failed++;
                err.println("guestd deprovision: failed to " + a.description() + ": " + e.getMessage());
            }
        }
        out.println(failed == 0 ? "deprovisioned: capture the image now (do not reboot first)"
                : failed + " action(s) failed; see above");
        return failed == 0 ? 0 : 1;
    }
}
