// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.cli;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.guestd.core.json.Json;
import org.guestd.host.qga.QgaClient;
import org.guestd.host.qga.QgaReply;

/**
 * {@code qgactl info}: runs the read-only inventory commands and prints one report. A command
 * that fails shows its error in its own section; the others still print. If the agent stops
 * answering, one re-sync is tried; when that fails too the remaining sections are skipped and
 * the report is marked {@linkplain Report#broken() broken}.
 */
final class Summary {
    /** The commands run, in report order. */
    static final List<String> COMMANDS = List.of("guest-info", "guest-get-osinfo", "guest-get-host-name",
            "guest-get-timezone", "guest-get-vcpus", "guest-get-users", "guest-network-get-interfaces",
            "guest-get-fsinfo");

    private static final DateTimeFormatter LOGIN_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Summary() {}

    /** One command's outcome: its return value, or an error class and description. */
    record Outcome(Object value, String errorClass, String errorDesc) {
        boolean ok() {
            return errorClass == null;
        }

        String errorText() {
            return errorClass + ": " + errorDesc;
        }
    }

    /** All outcomes, in {@link #COMMANDS} order; {@code broken} when the connection failed. */
    record Report(Map<String, Outcome> outcomes, IOException broken) {}

    /** Runs every command on {@code client}. */
    static Report collect(QgaClient client) {
        Map<String, Outcome> out = new LinkedHashMap<>();
        IOException broken = null;
        for (String cmd : COMMANDS) {
            if (broken != null) {
                out.put(cmd, new Outcome(null, "NotRun", "agent not responding"));
                continue;
            }
            try {
                QgaReply r = client.execute(cmd);
                out.put(cmd, r.isError() ? new Outcome(null, r.errorClass(), r.errorDesc())
                        : new Outcome(r.returnValue(), null, null));
            } catch (IOException e) {
                out.put(cmd, new Outcome(null, "ClientError", e.getMessage()));
                try {
                    client.sync();
                } catch (IOException e2) {
                    broken = e2;
                }
            }
        }
        return new Report(out, broken);
    }

    /** The report as one JSON object: command name to return value or {@code {"error": …}}. */
    static String json(Report report) {
        Map<String, Object> m = new LinkedHashMap<>();
        report.outcomes().forEach((cmd, o) -> m.put(cmd, o.ok() ? o.value()
                : Json.obj("error", Json.obj("class", o.errorClass(), "desc", o.errorDesc()))));
        return Json.write(m);
    }

    /** The readable report. */
    static String render(Report report) {
        Map<String, Outcome> o = report.outcomes();
        StringBuilder sb = new StringBuilder();
        line(sb, "Agent", o.get("guest-info"), Summary::agent);
        line(sb, "OS", o.get("guest-get-osinfo"), Summary::os);
        line(sb, "Kernel", o.get("guest-get-osinfo"), Summary::kernel);
        line(sb, "Host name", o.get("guest-get-host-name"), v -> str(v, "host-name", "?"));
        line(sb, "Time zone", o.get("guest-get-timezone"), Summary::timezone);
        line(sb, "vCPUs", o.get("guest-get-vcpus"), Summary::vcpus);
        line(sb, "Users", o.get("guest-get-users"), Summary::users);
        section(sb, "Interfaces", o.get("guest-network-get-interfaces"), Summary::interfaces);
        section(sb, "Filesystems", o.get("guest-get-fsinfo"), Summary::filesystems);
        return sb.toString();
    }

    private interface Formatter {
        String format(Object value);
    }

    private static void line(StringBuilder sb, String label, Outcome o, Formatter f) {
        sb.append(String.format(Locale.ROOT, "%-13s", label + ":"));
        sb.append(o.ok() ? f.format(o.value()) : "error: " + o.errorText()).append('\n');
    }

    private static void section(StringBuilder sb, String label, Outcome o, Formatter f) {
        if (!o.ok()) {
            line(sb, label, o, v -> "");
            return;
        }
        String body = f.format(o.value());
        sb.append(label).append(':').append(body.isEmpty() ? " (none)\n" : "\n" + body);
    }

    private static String agent(Object v) {
        List<?> cmds = v instanceof Map ? list(((Map<?, ?>) v).get("supported_commands")) : List.of();
        long enabled = cmds.stream().filter(c -> c instanceof Map && Boolean.TRUE.equals(((Map<?, ?>) c).get("enabled")))
                .count();
        return "version " + str(v, "version", "?") + ", " + enabled + " of " + cmds.size() + " commands enabled";
    }

    private static String os(Object v) {
        String name = str(v, "pretty-name", null);
        if (name == null) {
            name = (str(v, "name", "unknown") + " " + str(v, "version", "")).trim();
        }
        String machine = str(v, "machine", null);
        return machine == null ? name : name + ", " + machine;
    }

    private static String kernel(Object v) {
        return (str(v, "kernel-release", "") + " " + str(v, "kernel-version", "")).trim();
    }

    private static String timezone(Object v) {
        Long off = v instanceof Map ? Json.asLong(((Map<?, ?>) v).get("offset")) : null;
        String offset = off == null ? "?" : ZoneOffset.ofTotalSeconds((int) (long) off).getId();
        offset = "Z".equals(offset) ? "+00:00" : offset;
        String zone = str(v, "zone", null);
        return zone == null ? "UTC" + offset : zone + " (UTC" + offset + ")";
    }

    private static String vcpus(Object v) {
        List<?> cpus = list(v);
        long online = cpus.stream().filter(c -> c instanceof Map && Boolean.TRUE.equals(((Map<?, ?>) c).get("online")))
                .count();
        return online + " online / " + cpus.size() + " total";
    }

    private static String users(Object v) {
        List<?> users = list(v);
        if (users.isEmpty()) {
            return "(none)";
        }
        List<String> parts = new ArrayList<>();
        for (Object u : users) {
            String name = str(u, "user", "?");
            String domain = str(u, "domain", null);
            Object t = u instanceof Map ? ((Map<?, ?>) u).get("login-time") : null;
            String since = t instanceof Number
                    ? " (since " + LOGIN_TIME.format(Instant.ofEpochMilli((long) (((Number) t).doubleValue() * 1000)))
                            + ")" : "";
            parts.add((domain == null ? name : domain + "\\" + name) + since);
        }
        return String.join(", ", parts);
    }

    private static String interfaces(Object v) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NAME", "MAC", "ADDRESSES"));
        for (Object i : list(v)) {
            String addrs = list(i instanceof Map ? ((Map<?, ?>) i).get("ip-addresses") : null).stream()
                    .map(a -> str(a, "ip-address", "?") + "/" + num(a, "prefix"))
                    .collect(Collectors.joining(", "));
            rows.add(List.of(str(i, "name", "?"), str(i, "hardware-address", "-"), addrs.isEmpty() ? "-" : addrs));
        }
        return rows.size() == 1 ? "" : table(rows);
    }

    private static String filesystems(Object v) {
        List<List<String>> rows = new ArrayList<>();
        List<Object> fss = new ArrayList<>(list(v));
        fss.sort(Comparator.comparing(f -> str(f, "mountpoint", "")));
        for (Object f : fss) {
            Long used = f instanceof Map ? Json.asLong(((Map<?, ?>) f).get("used-bytes")) : null;
            Long total = f instanceof Map ? Json.asLong(((Map<?, ?>) f).get("total-bytes")) : null;
            String devs = list(f instanceof Map ? ((Map<?, ?>) f).get("disk") : null).stream()
                    .map(d -> str(d, "dev", null)).filter(d -> d != null).collect(Collectors.joining(","));
            String pct = used != null && total != null && total > 0
                    ? Math.round(100.0 * used / total) + "%" : "-";
            rows.add(List.of(str(f, "mountpoint", "?"), str(f, "type", "?"),
                    devs.isEmpty() ? str(f, "name", "?") : devs,
                    used == null ? "-" : humanBytes(used), total == null ? "-" : humanBytes(total), pct));
        }
        if (rows.isEmpty()) {
            return "";
        }
        rows.add(0, List.of("MOUNTPOINT", "TYPE", "DEVICE", "USED", "TOTAL", "USE%"));
        return table(rows);
    }

    /** Bytes in binary units with one decimal: {@code 512 B}, {@code 23.4 GiB}. */
    static String humanBytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String table(List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        Renderer.writeTable(rows, 2, sb);
        return sb.toString();
    }

    private static List<?> list(Object v) {
        return v instanceof List ? (List<?>) v : List.of();
    }

    private static String str(Object map, String key, String dflt) {
        Object v = map instanceof Map ? ((Map<?, ?>) map).get(key) : null;
        return v == null ? dflt : Renderer.scalar(v);
    }

    private static String num(Object map, String key) {
        return str(map, key, "?");
    }
}
