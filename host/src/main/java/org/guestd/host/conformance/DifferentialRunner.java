// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.guestd.host.qga.QgaReply;

/**
 * The same read-only requests to qemu-ga and guestd started side by side on this machine, replies
 * compared ({@link ReplyDiff}): structure, key sets, and the values that must agree on one machine
 * (host name, interfaces and addresses, mountpoints, vCPUs, OS info, time zone, users, disks…).
 * Every difference is printed with its explanation when it is a known, documented one.
 *
 * <pre>
 * java -cp host.jar:core.jar org.guestd.host.conformance.DifferentialRunner
 *     [--qemu-ga CMD] [--guestd CMD]     (templates with {dir}/{sock}; defaults:
 *                                         "/usr/sbin/qemu-ga -m unix-listen -t {dir} -p {sock}",
 *                                         "bin/guestd -m unix-listen -t {dir} -p {sock}")
 * </pre>
 *
 * Exit status: the number of unexplained differences.
 */
public final class DifferentialRunner {
    /** A request and the paths of its reply whose values legitimately change between two reads. */
    record Probe(String command, Map<String, Object> args, List<String> volatilePaths) {}

    /** A documented difference: command, a regex on the difference text, and why. */
    record Explanation(String command, Pattern difference, String why) {}

    /** One compared request. */
    public record Finding(String command, String difference, String explanation) {
        public boolean explained() {
            return explanation != null;
        }
    }

    private DifferentialRunner() {}

    static List<Probe> probes() {
        List<Probe> p = new ArrayList<>();
        p.add(new Probe("guest-ping", null, List.of()));
        p.add(new Probe("guest-sync", Map.of("id", 4242), List.of()));
        p.add(new Probe("guest-info", null, List.of()));
        p.add(new Probe("guest-get-osinfo", null, List.of()));
        p.add(new Probe("guest-get-host-name", null, List.of()));
        p.add(new Probe("guest-get-timezone", null, List.of()));
        p.add(new Probe("guest-get-time", null, List.of("^\\$$")));
        p.add(new Probe("guest-get-vcpus", null, List.of()));
        p.add(new Probe("guest-get-users", null, List.of()));
        p.add(new Probe("guest-network-get-interfaces", null, List.of("\\.statistics\\.")));
        p.add(new Probe("guest-get-fsinfo", null, List.of("\\.used-bytes$")));
        p.add(new Probe("guest-get-memory-block-info", null, List.of()));
        p.add(new Probe("guest-get-memory-blocks", null, List.of()));
        p.add(new Probe("guest-fsfreeze-status", null, List.of()));
        p.add(new Probe("guest-get-disks", null, List.of()));
        p.add(new Probe("guest-get-diskstats", null, List.of("\\.stats\\.")));
        p.add(new Probe("guest-get-cpustats", null, List.of("\\]\\.(?!type$|cpu$)[a-z]+$")));
        p.add(new Probe("guest-get-devices", null, List.of()));
        p.add(new Probe("guest-get-load", null, List.of("\\.load")));
        p.add(new Probe("guest-network-get-route", null, List.of()));
        // error paths (nothing is changed on the machine)
        p.add(new Probe("guest-ssh-get-authorized-keys", Map.of("username", "qga-no-such-user"), List.of()));
        p.add(new Probe("guest-exec-status", Map.of("pid", 0), List.of()));
        p.add(new Probe("guest-exec", Map.of("path", "/bin/invalid-cmd42"), List.of()));
        p.add(new Probe("guest-file-read", Map.of("handle", 123456), List.of()));
        p.add(new Probe("guest-file-open", Map.of("path", "/nonexistent/dir/file"), List.of()));
        p.add(new Probe("guest-file-open", Map.of("path", "/nonexistent", "mode", "rw"), List.of()));
        p.add(new Probe("guest-ping", Map.of("foo", 42), List.of()));
        p.add(new Probe("guest-no-such-command", null, List.of()));
        return p;
    }

    static List<Explanation> explanations() {
        List<Explanation> e = new ArrayList<>();
        e.add(new Explanation("guest-info", Pattern.compile("^\\$\\.version:"),
                "version strings differ by design (guestd reports its own version)"));
        e.add(new Explanation("guest-info", Pattern.compile("supported_commands\\[name=guest-(get-load|network-get-route)\\]"
                + ": only in guestd"), "qemu 7.2 has no guest-get-load (10.0) / guest-network-get-route (9.1)"));
        e.add(new Explanation("guest-info", Pattern.compile("supported_commands\\[name=__org\\.guestd_[^\\]]+\\]"
                + ": only in guestd"), "guestd's downstream extensions (__org.guestd_*) are guestd's own"));
        e.add(new Explanation("guest-info", Pattern.compile("supported_commands\\[name=[^\\]]+\\]: only in qemu-ga"),
                "guestd lists only the commands it implements (README: Differences from qemu-ga)"));
        e.add(new Explanation("guest-info", Pattern.compile("supported_commands\\[name=guest-get-devices\\]\\.enabled"),
                "qemu-ga disables guest-get-devices on POSIX; guestd implements it"));
        e.add(new Explanation("guest-get-fsinfo", Pattern.compile("\\.total-bytes-privileged: only in guestd"),
                "total-bytes-privileged is qemu 9.1+; 7.2 does not send it (qga README)"));
        e.add(new Explanation("guest-exec-status", Pattern.compile("PID ld does not exist"),
                "qemu 8.2+ text; guestd keeps 7.2's"));
        e.add(new Explanation("*", Pattern.compile("qemu-ga error CommandNotFound: The command guest-(get-load|network-get-route)"
                + " has not been found"), "qemu 7.2 has no guest-get-load (10.0) / guest-network-get-route (9.1)"));
        e.add(new Explanation("guest-get-devices", Pattern.compile("qemu-ga error CommandNotFound: .*has been disabled"),
                "qemu-ga 7.2 disables guest-get-devices on POSIX (transcript 19d)"));
        e.add(new Explanation("*", Pattern.compile("guestd error CommandNotFound: The command \\S+ has not been found"),
                "command not implemented in this guestd build"));
        return e;
    }

    /** Runs every probe against both agents and prints the findings. */
    public static List<Finding> run(String qemuGaTemplate, String guestdTemplate, PrintStream out) throws Exception {
        AgentLauncher qemu = new AgentLauncher(qemuGaTemplate, Map.of(), null);
        AgentLauncher ours = new AgentLauncher(guestdTemplate, Map.of(), null);
        out.println("# qemu-ga: " + qemu.run(List.of("-V"), Map.of()).stdout().strip()
                + "  vs  guestd: " + ours.run(List.of("-V"), Map.of()).stdout().strip());
        List<Finding> findings = new ArrayList<>();
        try (AgentLauncher.Running a = qemu.start(List.of(), Map.of()); AgentLauncher.Running b = ours.start(List.of(), Map.of())) {
            a.client.sync();
            b.client.sync();
            for (Probe p : probes()) {
                QgaReply ra = a.client.execute(p.command(), p.args());
                QgaReply rb = b.client.execute(p.command(), p.args());
                List<String> diffs = compare(p, ra, rb);
                String label = p.command() + (p.args() == null ? "" : " " + p.args());
                if (diffs.isEmpty()) {
                    out.println("SAME         " + label);
                }
                for (String d : diffs) {
                    String why = explain(p.command(), d);
                    findings.add(new Finding(p.command(), d, why));
                    out.println((why == null ? "UNEXPLAINED  " : "explained    ") + label + ": " + d
                            + (why == null ? "" : "  [" + why + "]"));
                }
            }
        }
        long unexplained = findings.stream().filter(f -> !f.explained()).count();
        out.printf("# %d requests, %d differences: %d explained, %d unexplained%n", probes().size(), findings.size(),
                findings.size() - unexplained, unexplained);
        return findings;
    }

    static List<String> compare(Probe p, QgaReply a, QgaReply b) {
        List<String> d = new ArrayList<>();
        if (a.isError() || b.isError()) {
            String ea = a.isError() ? "qemu-ga error " + a.errorClass() + ": " + a.errorDesc() : "qemu-ga returns";
            String eb = b.isError() ? "guestd error " + b.errorClass() + ": " + b.errorDesc() : "guestd returns";
            if (!(a.isError() && b.isError() && a.errorClass().equals(b.errorClass())
                    && a.errorDesc().equals(b.errorDesc()))) {
                d.add(ea + " / " + eb);
            }
            return d;
        }
        Object va = a.returnValue();
        Object vb = b.returnValue();
        ReplyDiff diff = new ReplyDiff(p.volatilePaths());
        diff.compare("$", va, vb);
        d.addAll(diff.differences);
        if (p.command().equals("guest-get-time")) {
            long skew = Math.abs(((Number) va).longValue() - ((Number) vb).longValue());
            if (skew > 10_000_000_000L) {
                d.add("$: times differ by " + skew / 1_000_000 + " ms");
            }
        }
        return d;
    }

    private static String explain(String command, String difference) {
        for (Explanation e : explanations()) {
            if ((e.command().equals("*") || e.command().equals(command)) && e.difference().matcher(difference).find()) {
                return e.why();
            }
        }
        return null;
    }

    /** Command-line entry; exit status = number of unexplained differences. */
    public static void main(String[] args) throws Exception {
        String qemu = "/usr/sbin/qemu-ga " + AgentLauncher.STANDARD_ARGS;
        String ours = "bin/guestd " + AgentLauncher.STANDARD_ARGS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--qemu-ga" -> qemu = args[++i];
                case "--guestd" -> ours = args[++i];
                default -> {
                    System.err.println("usage: DifferentialRunner [--qemu-ga TEMPLATE] [--guestd TEMPLATE]");
                    System.exit(2);
                }
            }
        }
        List<Finding> f = run(qemu, ours, System.out);
        System.exit((int) f.stream().filter(x -> !x.explained()).count());
    }
}
