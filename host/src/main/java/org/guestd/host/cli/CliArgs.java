// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.json.JsonReader;

/**
 * qgactl's parsed command line: global options (accepted before or after the command), the
 * command, and its arguments turned into a JSON object.
 *
 * @param socket    the agent socket
 * @param json      print raw JSON instead of the readable rendering
 * @param timeout   connect and per-reply deadline
 * @param sync      run the guest-sync-delimited handshake first
 * @param help      {@code --help} was given
 * @param command   the command (null only with {@code help})
 * @param arguments the command's arguments, or null when none were given
 */
record CliArgs(Path socket, boolean json, Duration timeout, boolean sync, boolean help,
        String command, Map<String, Object> arguments) {

    /** Default socket when neither {@code --socket} nor {@code $QGACTL_SOCKET} is set. */
    static final String DEFAULT_SOCKET = "/run/guestd/qga.sock";

    /** A command-line mistake; qgactl prints it with a hint and exits 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Parses {@code args}; {@code env} supplies {@code QGACTL_SOCKET}. */
    static CliArgs parse(String[] args, Map<String, String> env) throws UsageException {
        String socket = env.getOrDefault("QGACTL_SOCKET", "");
        if (socket.isEmpty()) {
            socket = DEFAULT_SOCKET;
        }
        boolean json = false;
        boolean sync = true;
        boolean help = false;
        Duration timeout = Duration.ofSeconds(10);
        String command = null;
        List<String> rest = new ArrayList<>();
        boolean optionsDone = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (optionsDone || !a.startsWith("-") || a.equals("-")) {
                if (command == null) {
                    command = a;
                } else {
                    rest.add(a);
                }
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--":
                    optionsDone = true;
                    break;
                case "-h":
                case "--help":
                    help = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--no-sync":
                    sync = false;
                    break;
                case "-s":
                case "--socket":
                    socket = value != null ? value : needValue(args, ++i, name);
                    if (socket.isEmpty()) {
                        throw new UsageException("--socket needs a path");
                    }
                    break;
                case "-t":
                case "--timeout":
                    timeout = parseTimeout(value != null ? value : needValue(args, ++i, name));
                    break;
                default:
                    throw new UsageException("unknown option " + a);
            }
        }
        if (command == null && !help) {
            throw new UsageException("no command given");
        }
        Map<String, Object> arguments = command == null ? null : parseArguments(rest);
        return new CliArgs(Path.of(socket), json, timeout, sync, help, command, arguments);
    }

    private static String needValue(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    /** Seconds, fractions allowed ({@code 0.5}); must be positive. */
    static Duration parseTimeout(String s) throws UsageException {
        try {
            BigDecimal secs = new BigDecimal(s.trim());
            if (secs.signum() <= 0) {
                throw new UsageException("--timeout must be positive: " + s);
            }
            long ms = Math.max(1, secs.movePointRight(3).longValue());
            return Duration.ofMillis(ms);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--timeout needs a number of seconds: " + s);
        }
    }

    /**
     * Command arguments: nothing (null), one JSON object ({@code '{"id": 5}'}), or
     * {@code key=value} pairs whose value is taken as JSON when it parses as JSON and as a plain
     * string otherwise ({@code mode=halt}, {@code id=5}, {@code keys=["a","b"]}).
     */
    static Map<String, Object> parseArguments(List<String> rest) throws UsageException {
        if (rest.isEmpty()) {
            return null;
        }
        if (rest.size() == 1 && rest.get(0).trim().startsWith("{")) {
            Object v;
            try {
                v = JsonReader.parse(rest.get(0));
            } catch (IllegalArgumentException e) {
                throw new UsageException("arguments are not valid JSON: " + e.getMessage());
            }
            if (!(v instanceof Map)) {
                throw new UsageException("arguments must be a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            return m;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String kv : rest) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("expected key=value or one JSON object, got: " + kv);
            }
            String key = kv.substring(0, eq);
            if (m.containsKey(key)) {
                throw new UsageException("argument given twice: " + key);
            }
            m.put(key, jsonOrString(kv.substring(eq + 1)));
        }
        return m;
    }

    /** The value as JSON when it is valid JSON, else the text itself. */
    static Object jsonOrString(String text) {
        if (text.isEmpty()) {
            return text;
        }
        try {
            return JsonReader.parse(text);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
