// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.config.ConfigException;

/**
 * getopt_long-style parsing of guestd's arguments, accepting what qemu-ga accepts: {@code -m X},
 * {@code -mX}, {@code --method X}, {@code --method=X}, grouped flags {@code -vD}, and the optional
 * argument of {@code -F} only when attached ({@code -Fpath}, {@code --fsfreeze-hook=path}).
 */
final class CommandLine {
    private final Map<Option, String> values = new LinkedHashMap<>();

    private CommandLine() {}

    static CommandLine parse(List<String> args) throws ConfigException {
        CommandLine cl = new CommandLine();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                final String n = name;
                Option o = Option.byLong(name)
                        .orElseThrow(() -> new ConfigException("unrecognized option '--" + n + "'"));
                switch (o.arg) {
                    case NONE:
                        if (inline != null) {
                            throw new ConfigException("option '--" + name + "' doesn't allow an argument");
                        }
                        cl.values.put(o, "true");
                        break;
                    case OPTIONAL:
                        cl.values.put(o, inline == null ? "" : inline);
                        break;
                    default:
                        if (inline == null) {
                            if (i + 1 >= args.size()) {
                                throw new ConfigException("option '--" + name + "' requires an argument");
                            }
                            inline = args.get(++i);
                        }
                        cl.values.put(o, inline);
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    char c = a.charAt(j);
                    Option o = Option.byShort(c)
                            .orElseThrow(() -> new ConfigException("invalid option -- '" + c + "'"));
                    if (o.arg == Option.Arg.NONE) {
                        cl.values.put(o, "true");
                        continue;
                    }
                    String rest = a.substring(j + 1);
                    if (o.arg == Option.Arg.OPTIONAL) {
                        cl.values.put(o, rest);
                    } else if (!rest.isEmpty()) {
                        cl.values.put(o, rest);
                    } else if (i + 1 < args.size()) {
                        cl.values.put(o, args.get(++i));
                    } else {
                        throw new ConfigException("option requires an argument -- '" + c + "'");
                    }
                    break;
                }
            } else {
                throw new ConfigException("unexpected argument '" + a + "'");
            }
        }
        return cl;
    }

    boolean has(Option o) {
        return values.containsKey(o);
    }

    String get(Option o) {
        return values.get(o);
    }

    /** The options that map to config keys, as {@code [general]} key → value. */
    Map<String, String> generalKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((o, v) -> {
            switch (o) {
                case VERSION: case HELP: case DUMP_CONF: case CONFIG:
                    break;
                case FSFREEZE_HOOK:
                    m.put(o.key(), v.isEmpty() ? Defaults.FSFREEZE_HOOK : v);
                    break;
                default:
                    m.put(o.key(), v);
            }
        });
        return m;
    }

    static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: guestd [-m <method> -p <path>] [<options>]\n");
        sb.append("       guestd provision [<options>]\n");
        sb.append("       guestd deprovision [--user] [--dry-run] [--force] [--state-dir DIR] [--kvp-pool-dir DIR]\n");
        sb.append("guestd: guest-side integration agent (QEMU guest agent protocol compatible)\n\n");
        for (Option o : Option.values()) {
            String s = o.shortName != '\0' ? "  -" + o.shortName + ", " : "      ";
            String arg = o.arg == Option.Arg.REQUIRED ? " ARG" : o.arg == Option.Arg.OPTIONAL ? "[=ARG]" : "";
            String left = s + "--" + o.longName + arg;
            sb.append(String.format("%-32s %s%n", left, o.help));
        }
        sb.append("\nConfig file keys in [general] are the long option names (as qemu-ga's).\n");
        sb.append("\nCommands (each has --help):\n");
        sb.append(String.format("  %-30s %s%n", "provision",
                "provision this Azure VM once and report Ready/NotReady (guestd-provision.service runs it at boot)"));
        sb.append(String.format("  %-30s %s%n", "deprovision",
                "prepare this VM for capture as an image, as waagent -deprovision[+user]"));
        sb.append("The provisioning state and last report: guestctl azure status [--json].\n");
        return sb.toString();
    }
}
