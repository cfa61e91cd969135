// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.guestd.core.json.Json;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.qga.QgaErrorException;
import org.guestd.host.qga.QgaReply;

/**
 * {@code qgactl}: runs QEMU Guest Agent commands against an agent's unix socket (qemu-ga or
 * guestd) and prints the result readably or as JSON. See {@link #USAGE}.
 *
 * <p>Exit codes: 0 success, 1 the agent returned an error, 2 usage error, 3 connection failure,
 * timeout or malformed reply.
 */
public final class QgaCtl {
    /** Exit code: the agent answered with an error reply. */
    public static final int EXIT_AGENT_ERROR = 1;
    /** Exit code: bad command line. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: could not talk to the agent (connect, timeout, protocol). */
    public static final int EXIT_COMM = 3;

    static final String USAGE = String.join("\n",
            "Usage: qgactl [-s|--socket PATH] [--json] [--timeout SECONDS] [--no-sync] COMMAND [ARGS]",
            "",
            "Runs a QEMU Guest Agent command (guest-ping, guest-get-osinfo, ...) on the agent's",
            "unix socket and prints the result.",
            "",
            "Options:",
            "  -s, --socket PATH    agent socket (default: $QGACTL_SOCKET, else " + CliArgs.DEFAULT_SOCKET + ")",
            "      --json           print the raw return value as JSON on one line",
            "  -t, --timeout SECS   connect/reply timeout in seconds, fractions allowed (default 10)",
            "      --no-sync        skip the 0xFF + guest-sync-delimited handshake",
            "  -h, --help           show this help",
            "",
            "ARGS: one JSON object, or key=value pairs; a value is JSON if it parses as JSON,",
            "      else a string:   qgactl guest-shutdown mode=halt",
            "                       qgactl guest-exec path=/bin/echo 'arg=[\"hi\"]' capture-output=true",
            "                       qgactl guest-exec-status '{\"pid\": 1234}'",
            "",
            "Built-in commands:",
            "  info                 summary report: OS, kernel, host name, time zone, vCPUs, users,",
            "                       network interfaces and filesystems (with --json: one object)",
            "  list                 names of the agent's enabled commands (from guest-info)",
            "  help                 this text",
            "",
            "Exit codes: 0 ok, 1 the agent returned an error, 2 usage error,",
            "            3 cannot connect / timeout / malformed reply.",
            "");

    private QgaCtl() {}

    /** Entry point: runs {@link #run} on the process's streams and exits with its code. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, out, err, System.getenv());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs qgactl with {@code args}, writing to {@code out}/{@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        CliArgs a;
        try {
            a = CliArgs.parse(args, env);
            if (!a.help() && !"help".equals(a.command()) && isBuiltin(a.command()) && a.arguments() != null) {
                throw new CliArgs.UsageException(a.command() + " takes no arguments");
            }
        } catch (CliArgs.UsageException e) {
            err.println("qgactl: " + e.getMessage());
            err.println("Try 'qgactl --help'.");
            return EXIT_USAGE;
        }
        if (a.help() || "help".equals(a.command())) {
            out.print(USAGE);
            return 0;
        }
        try (QgaClient client = QgaClient.connect(a.socket(), a.timeout())) {
            if (a.sync()) {
                client.sync();
            }
            switch (a.command()) {
                case "info":
                    return info(client, a, out, err);
                case "list":
                    return list(client, a, out);
                default:
                    return command(client, a, out);
            }
        } catch (QgaErrorException e) {
            err.println("error: " + e.errorClass() + ": " + e.errorDesc());
            return EXIT_AGENT_ERROR;
        } catch (IOException e) {
            err.println("qgactl: " + e.getMessage());
            return EXIT_COMM;
        } catch (IllegalStateException e) {
            err.println("qgactl: unexpected reply: " + e.getMessage());
            return EXIT_COMM;
        }
    }

    private static boolean isBuiltin(String command) {
        return "info".equals(command) || "list".equals(command) || "help".equals(command);
    }

    private static int command(QgaClient client, CliArgs a, PrintStream out) throws IOException {
        QgaReply reply;
        if (QgaClient.NO_REPLY_COMMANDS.contains(a.command())) {
            Duration wait = a.timeout().compareTo(QgaClient.DEFAULT_NO_REPLY_WAIT) < 0
                    ? a.timeout() : QgaClient.DEFAULT_NO_REPLY_WAIT;
            Optional<QgaReply> r = client.executeNoReply(a.command(), a.arguments(), wait);
            if (r.isEmpty()) {
                if (!a.json()) {
                    out.println("ok");
                }
                return 0;
            }
            reply = r.get();
        } else {
            reply = client.execute(a.command(), a.arguments());
        }
        reply.orThrow();
        out.print(a.json() ? Json.write(reply.returnValue()) + "\n" : Renderer.render(reply.returnValue()));
        return 0;
    }

    private static int list(QgaClient client, CliArgs a, PrintStream out) throws IOException {
        Object cmds = client.executeOrThrow("guest-info").returnMap().get("supported_commands");
        TreeSet<String> names = new TreeSet<>();
        if (cmds instanceof List) {
            for (Object c : (List<?>) cmds) {
                if (c instanceof Map && Boolean.TRUE.equals(((Map<?, ?>) c).get("enabled"))
                        && ((Map<?, ?>) c).get("name") instanceof String) {
                    names.add((String) ((Map<?, ?>) c).get("name"));
                }
            }
        }
        if (a.json()) {
            out.println(Json.write(List.copyOf(names)));
        } else {
            names.forEach(out::println);
        }
        return 0;
    }

    private static int info(QgaClient client, CliArgs a, PrintStream out, PrintStream err) {
        Summary.Report report = Summary.collect(client);
        out.print(a.json() ? Summary.json(report) + "\n" : Summary.render(report));
        if (report.broken() != null) {
            err.println("qgactl: " + report.broken().getMessage());
            return EXIT_COMM;
        }
        return 0;
    }
}
