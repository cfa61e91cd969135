// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.azure;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The Azure case's steps: run in order, one line each, a Markdown report; checks and waits. */
final class Steps {
    /** One step's result. */
    public record StepResult(String name, boolean passed, String detail, long millis) {}

    /** A step: returns its detail line, throws {@link Failure} (or anything) when it fails. */
    @FunctionalInterface
    interface Body {
        String run() throws Exception;
    }

    /** A condition polled by {@link #waitFor}. */
    @FunctionalInterface
    interface Cond {
        boolean holds() throws Exception;
    }

    /** A failed check. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String m) {
            super(m);
        }
    }

    private final PrintStream out;
    private final List<StepResult> results = new ArrayList<>();

    Steps(PrintStream out) {
        this.out = out;
    }

    /** Runs one step; false when it failed. */
    boolean run(String name, Body body) {
        long t0 = System.nanoTime();
        String detail;
        boolean passed;
        try {
            detail = body.run();
            passed = true;
        } catch (Exception | AssertionError e) {
            detail = e instanceof Failure ? e.getMessage() : e.toString();
            passed = false;
        }
        StepResult r = new StepResult(name, passed, detail == null ? "" : detail, (System.nanoTime() - t0) / 1_000_000);
        results.add(r);
        out.printf("   %-5s %-24s %7d ms  %s%n", passed ? "PASS" : "FAIL", name, r.millis(), r.detail());
        return passed;
    }

    List<StepResult> results() {
        return List.copyOf(results);
    }

    static void check(boolean c, String message) throws Failure {
        if (!c) {
            throw new Failure(message);
        }
    }

    /** Polls {@code c} every 200 ms until it holds or {@code timeout} passes. */
    static void waitFor(Cond c, String what, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > end) {
                throw new Failure("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    String report(String title, Map<String, String> metrics) {
        StringBuilder sb = new StringBuilder("# " + title + "\n\n| step | result | ms | detail |\n|---|---|---|---|\n");
        for (StepResult s : results) {
            sb.append("| ").append(s.name()).append(" | ").append(s.passed() ? "PASS" : "FAIL").append(" | ")
                    .append(s.millis()).append(" | ").append(s.detail().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        sb.append("\n| measurement | value |\n|---|---|\n");
        metrics.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        return sb.toString();
    }
}
