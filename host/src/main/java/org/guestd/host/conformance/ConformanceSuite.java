// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * qemu's tests/unit/test-qga.c (the 29 cases of current qemu) as a runnable against any agent that
 * keeps test-qga's fixture contract: {@code AGENT -m unix-listen -t DIR -p DIR/sock [-b|-a LIST]},
 * cwd = DIR, {@code QGA_CONF}, {@code QGA_OS_RELEASE}, {@code -D}, {@code -V}, exit 0 on SIGTERM.
 *
 * <pre>
 * java -cp host.jar:core.jar org.guestd.host.conformance.ConformanceSuite [options] AGENT
 *   AGENT                the program (bin/guestd, /usr/sbin/qemu-ga)
 *   --cmd TEMPLATE       the whole command line instead: {dir} and {sock} are replaced
 *                        (default: "AGENT -m unix-listen -t {dir} -p {sock}")
 *   --env NAME=VALUE     extra environment for the agent (repeatable)
 *   --config FILE        agent config file for the fixture runs (default: an empty one)
 *   --expect-version V   what guest-info must report (default: the last word of "AGENT -V")
 *   --only PATH          run only this case (repeatable)
 * </pre>
 *
 * Prints one line per case: {@code PASS}, {@code FAIL: reason}, {@code KNOWN-DIFF: reason} (a
 * qemu-ga older than the feature the case tests, see {@link KnownDiffs}) or {@code SKIP}. The exit
 * status is the number of failures (the shared fixture's SIGTERM exit status counts as one more
 * check, as in test-qga's teardown).
 */
public final class ConformanceSuite {
    /** Outcome of one case. */
    public enum Outcome { PASS, FAIL, KNOWN_DIFF, SKIP }

    /** One line of the report. */
    public record Result(String path, Outcome outcome, String detail) {
        @Override
        public String toString() {
            String o = outcome == Outcome.KNOWN_DIFF ? "KNOWN-DIFF" : outcome.name();
            return String.format("%-10s %s%s", o, path, detail == null ? "" : "  (" + detail + ")");
        }
    }

    private ConformanceSuite() {}

    /** The 29 cases in test-qga.c's registration order. */
    static List<QgaCase> cases() {
        List<QgaCase> l = new ArrayList<>();
        l.add(new QgaCase("/qga/sync-delimited", false, SharedCases::syncDelimited));
        l.add(new QgaCase("/qga/sync", false, SharedCases::sync));
        l.add(new QgaCase("/qga/ping", false, SharedCases::ping));
        l.add(new QgaCase("/qga/info", false, SharedCases::info));
        l.add(new QgaCase("/qga/network-get-interfaces", false, SharedCases::networkGetInterfaces));
        l.add(new QgaCase("/qga/get-vcpus", false, SharedCases::getVcpus));
        l.add(new QgaCase("/qga/get-fsinfo", false, SharedCases::getFsinfo));
        l.add(new QgaCase("/qga/get-load", false, SharedCases::getLoad));
        l.add(new QgaCase("/qga/get-memory-block-info", false, SharedCases::getMemoryBlockInfo));
        l.add(new QgaCase("/qga/get-memory-blocks", false, SharedCases::getMemoryBlocks));
        l.add(new QgaCase("/qga/file-ops", false, SharedCases::fileOps));
        l.add(new QgaCase("/qga/file-write-read", false, SharedCases::fileWriteRead));
        l.add(new QgaCase("/qga/get-time", false, SharedCases::getTime));
        l.add(new QgaCase("/qga/id", false, SharedCases::id));
        l.add(new QgaCase("/qga/invalid-oob", false, SharedCases::invalidOob));
        l.add(new QgaCase("/qga/invalid-cmd", false, SharedCases::invalidCmd));
        l.add(new QgaCase("/qga/invalid-args", false, SharedCases::invalidArgs));
        l.add(new QgaCase("/qga/fsfreeze-status", false, SharedCases::fsfreezeStatus));
        l.add(new QgaCase("/qga/blockedrpcs", true, OwnAgentCases::blockedRpcs));
        l.add(new QgaCase("/qga/allowedrpcs", true, OwnAgentCases::allowedRpcs));
        l.add(new QgaCase("/qga/config", true, OwnAgentCases::config));
        l.add(new QgaCase("/qga/guest-exec", false, ExecCases::exec));
        l.add(new QgaCase("/qga/guest-exec-separated", false, ExecCases::execSeparated));
        l.add(new QgaCase("/qga/guest-exec-merged", false, ExecCases::execMerged));
        l.add(new QgaCase("/qga/guest-exec-invalid", false, ExecCases::execInvalid));
        l.add(new QgaCase("/qga/guest-get-osinfo", true, OwnAgentCases::osinfo));
        l.add(new QgaCase("/qga/guest-get-host-name", false, SharedCases::hostName));
        l.add(new QgaCase("/qga/guest-get-timezone", false, SharedCases::timezone));
        l.add(new QgaCase("/qga/guest-get-users", false, SharedCases::users));
        return l;
    }

    /** Options of one run. */
    public record Options(String template, Map<String, String> env, Path config, String expectVersion,
            List<String> only) {}

    /** Runs the suite and prints each result to {@code out}; returns every result. */
    public static List<Result> run(Options o, PrintStream out) throws Exception {
        AgentLauncher launcher = new AgentLauncher(o.template(), o.env(), o.config());
        AgentLauncher.Output v = launcher.run(List.of("-V"), Map.of());
        String versionLine = v.stdout().strip();
        String[] words = versionLine.split("\\s+");
        String version = words[words.length - 1];
        String qemuVersion = versionLine.startsWith("QEMU Guest Agent") ? version : null;
        out.println("# agent: " + launcher.program() + " (" + versionLine + ")");
        SuiteContext ctx = new SuiteContext(launcher, o.expectVersion() != null ? o.expectVersion() : version,
                qemuVersion != null);
        List<Result> results = new ArrayList<>();
        for (QgaCase c : cases()) {
            if (!o.only().isEmpty() && !o.only().contains(c.path())) {
                continue;
            }
            Result r = runOne(c, ctx, qemuVersion);
            results.add(r);
            out.println(r);
            out.flush();
        }
        String teardown = ctx.tearDownShared();
        if (ctx.teardownNote != null) {
            out.println("# note: " + ctx.teardownNote);
        }
        if (teardown != null) {
            Result r = new Result("(shared fixture teardown)", Outcome.FAIL, teardown);
            results.add(r);
            out.println(r);
        }
        long failed = results.stream().filter(r -> r.outcome() == Outcome.FAIL).count();
        out.printf("# %d cases: %d pass, %d fail, %d known-diff, %d skip%n", results.size(),
                results.stream().filter(r -> r.outcome() == Outcome.PASS).count(), failed,
                results.stream().filter(r -> r.outcome() == Outcome.KNOWN_DIFF).count(),
                results.stream().filter(r -> r.outcome() == Outcome.SKIP).count());
        return results;
    }

    private static Result runOne(QgaCase c, SuiteContext ctx, String qemuVersion) {
        if (c.path().equals("/qga/get-vcpus") && !SharedCases.hasCpu0()) {
            return new Result(c.path(), Outcome.SKIP, "no /sys/devices/system/cpu/cpu0 (test-qga skips it too)");
        }
        String known = KnownDiffs.reason(c.path(), qemuVersion);
        try {
            c.body().run(ctx);
            return new Result(c.path(), Outcome.PASS, null);
        } catch (Exception e) {
            String why = e instanceof CaseFailure ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!(e instanceof CaseFailure) && !c.ownAgent()) {
                // the shared connection may be out of step now: start a fresh fixture for the next case
                try {
                    ctx.tearDownShared();
                } catch (Exception ignored) {
                    // reported by the next case if it matters
                }
            }
            if (e instanceof SuiteContext.ReferenceStuck) {
                return new Result(c.path(), Outcome.KNOWN_DIFF, "the qemu-ga reference did not end on SIGTERM: " + why);
            }
            return known != null ? new Result(c.path(), Outcome.KNOWN_DIFF, known + "; " + why)
                    : new Result(c.path(), Outcome.FAIL, why);
        }
    }

    /** Command-line entry; exit status = number of failures. */
    public static void main(String[] args) throws Exception {
        String agent = null;
        String template = null;
        Map<String, String> env = new LinkedHashMap<>();
        Path config = null;
        String expect = null;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cmd" -> template = args[++i];
                case "--env" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--config" -> config = Path.of(args[++i]);
                case "--expect-version" -> expect = args[++i];
                case "--only" -> only.add(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: ConformanceSuite [--cmd TEMPLATE] [--env K=V]... [--config FILE] "
                            + "[--expect-version V] [--only /qga/CASE]... AGENT");
                    return;
                }
                default -> agent = args[i];
            }
        }
        if (template == null) {
            if (agent == null) {
                System.err.println("conformance: give the agent program (or --cmd TEMPLATE)");
                System.exit(2);
            }
            template = agent + " " + AgentLauncher.STANDARD_ARGS;
        }
        List<Result> results = run(new Options(template, env, config, expect, only), System.out);
        System.exit((int) results.stream().filter(r -> r.outcome() == Outcome.FAIL).count());
    }
}
