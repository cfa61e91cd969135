// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The VM suite: boots one guest per agent (guestd, then the qemu-ga reference, same image) and runs
 * every {@link Case} against it in order, through the project's host client. Prints one line per
 * case, the guest console for every failed case, and a report (Markdown) in the output directory.
 */
public final class VmSuite {

    /** One agent's run: its case results and measurements. */
    public record AgentRun(Agent agent, List<CaseResult> results, Map<String, String> metrics) {
        /** Whether a result fails the suite. */
        public boolean failed() {
            return results.stream().anyMatch(r -> r.outcome() == Outcome.FAIL);
        }
    }

    /** Hang guard: after this much time in one agent's VM, the remaining cases are failed unrun. */
    public static final Duration AGENT_BUDGET = Duration.ofMinutes(12);

    private final VmImage image;
    private final Path outDir;
    private final PrintStream out;

    /** A suite booting {@code image}, writing VM directories and the report under {@code outDir}. */
    public VmSuite(VmImage image, Path outDir, PrintStream out) {
        this.image = image;
        this.outDir = outDir;
        this.out = out;
    }

    /** Every case, in the order they run (power-off last). */
    public static List<Case> cases() {
        List<Case> all = new ArrayList<>(InfoCases.all());
        all.addAll(FeatureCases.all());
        all.addAll(MissionCases.all());
        all.addAll(FreezeRestartCases.all());
        all.addAll(LifecycleCases.all());
        return all;
    }

    /** Boots a guest running {@code agent} and runs the selected cases against it. */
    public AgentRun run(Agent agent, Predicate<String> select) throws IOException {
        List<CaseResult> results = new ArrayList<>();
        Map<String, String> metrics = new LinkedHashMap<>();
        out.printf("== %s: booting (%s)%n", agent.id(), outDir.resolve(agent.id()));
        try (Vm vm = Vm.boot(image, agent, outDir.resolve(agent.id()));
             Session s = new Session(vm, agent, GuestShell.connect(vm.ctlSocket(), Duration.ofSeconds(60)))) {
            try {
                s.qga();
                metrics.put("first-reply", vm.elapsedMillis() + " ms");
                out.printf("   first reply %d ms after QEMU start%n", vm.elapsedMillis());
                // The guest mounts its test disk in the background while the agent starts.
                s.shell().run("while [ ! -f /run/e2e/disk-ready ]; do usleep 100000; done", Session.START_TIMEOUT);
            } catch (IOException | RuntimeException e) {
                CaseResult r = new CaseResult("first-reply", agent, agent.reference() ? Outcome.REFERENCE_FAIL
                        : Outcome.FAIL, "no reply within " + Session.START_TIMEOUT.toSeconds() + " s: " + e, vm.elapsedMillis());
                results.add(r);
                report(r, vm);
                return new AgentRun(agent, results, metrics);
            }
            for (Case c : cases()) {
                if (!select.test(c.name())) {
                    continue;
                }
                if (vm.elapsedMillis() > AGENT_BUDGET.toMillis()) {
                    CaseResult r = new CaseResult(c.name(), agent, agent.reference() ? Outcome.REFERENCE_FAIL
                            : Outcome.FAIL, "not run: the " + AGENT_BUDGET.toMinutes() + " min budget of this VM is used up", 0);
                    results.add(r);
                    out.printf("   %-16s %-24s %s%n", label(r.outcome(), agent), r.name(), r.detail());
                    continue;
                }
                if (!vm.alive()) {
                    CaseResult r = new CaseResult(c.name(), agent, agent.reference() ? Outcome.REFERENCE_FAIL
                            : Outcome.FAIL, "QEMU is no longer running", 0);
                    results.add(r);
                    report(r, vm);
                    continue;
                }
                results.add(runCase(c, s));
                report(results.get(results.size() - 1), vm);
            }
            metrics.putAll(s.metrics());
            if (vm.alive()) {
                try {
                    s.qmp().execute("quit", null);
                } catch (IOException ignored) {
                    // closed below by pid
                }
                vm.waitExit(Duration.ofSeconds(30));
            }
        }
        return new AgentRun(agent, results, metrics);
    }

    private CaseResult runCase(Case c, Session s) {
        long t0 = System.nanoTime();
        Throwable thrown = null;
        try {
            c.body().run(s);
        } catch (Exception | AssertionError e) {
            thrown = e;
            if (!(e instanceof Verdict.NotImplemented || e instanceof Verdict.Skip || e instanceof Verdict.CaseFailure)) {
                s.disconnect();     // an I/O error or timeout leaves the stream in an unknown state
            }
        }
        Outcome o = Verdict.of(s.agent(), thrown);
        String notes = s.takeNotes();
        String detail = thrown == null ? notes
                : (notes.isEmpty() ? "" : notes + "; ") + describe(thrown);
        return new CaseResult(c.name(), s.agent(), o, detail, (System.nanoTime() - t0) / 1_000_000);
    }

    private static String describe(Throwable t) {
        if (t instanceof Verdict.CaseFailure || t instanceof Verdict.Skip || t instanceof Verdict.NotImplemented) {
            return t.getMessage();
        }
        return t.toString();
    }

    private void report(CaseResult r, Vm vm) {
        out.printf("   %-16s %-24s %6d ms  %s%n", label(r.outcome(), r.agent()), r.name(), r.millis(), r.detail());
        if (r.outcome() == Outcome.FAIL || r.outcome() == Outcome.REFERENCE_FAIL) {
            out.print(vm.consoleTail(40).indent(6));
        }
    }

    /** The report's word for an outcome. */
    static String label(Outcome o, Agent a) {
        return switch (o) {
            case PASS -> "PASS";
            case FAIL -> "FAIL";
            case NOT_IMPLEMENTED -> "not implemented yet";
            case REFERENCE_FAIL -> a.id() + " FAILS";
            case SKIPPED -> "skipped";
        };
    }

    /** Writes the side-by-side report of all runs as Markdown. */
    public static void writeReport(Path file, VmImage image, List<AgentRun> runs) throws IOException {
        Files.writeString(file, Report.markdown(image, runs));
    }

    /**
     * Command line: {@code [--repo DIR] [--out DIR] [--agents guestd,qemu-ga] [--only case,case]
     * [--measure N]}. Exit status 1 when guestd failed a case (or the harness could not run).
     */
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("guestd.repo", "."));
        Path outDir = null;
        List<Agent> agents = List.of(Agent.GUESTD, Agent.QEMU_GA);
        Set<String> only = null;
        int measure = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--out" -> outDir = Path.of(args[++i]);
                case "--agents" -> agents = Arrays.stream(args[++i].split(",")).map(Agent::of).toList();
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--measure" -> measure = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        repo = repo.toAbsolutePath().normalize();
        outDir = (outDir == null ? repo.resolve("e2e/target/vm-suite") : outDir).toAbsolutePath();
        Files.createDirectories(outDir);
        VmImage image = VmImage.prepare(repo, outDir.resolve("prepare.log"));
        if (measure > 0) {
            Measure.run(image, agents, measure, outDir, System.out);
            return;
        }
        System.exit(runAll(image, agents, only, outDir, System.out) ? 0 : 1);
    }

    /** Runs all agents; prints and writes the report; true when guestd failed nothing. */
    public static boolean runAll(VmImage image, List<Agent> agents, Set<String> only, Path outDir, PrintStream out)
            throws IOException {
        VmSuite suite = new VmSuite(image, outDir, out);
        List<AgentRun> runs = new ArrayList<>();
        for (Agent a : agents) {
            runs.add(suite.run(a, only == null ? n -> true : only::contains));
        }
        Path report = outDir.resolve("report.md");
        writeReport(report, image, runs);
        out.println(Report.markdown(image, runs));
        out.println("report: " + report);
        return runs.stream().noneMatch(AgentRun::failed);
    }
}
