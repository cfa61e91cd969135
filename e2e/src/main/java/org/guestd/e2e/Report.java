// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The suite's Markdown report: one row per case, one column per agent, then the details. */
final class Report {

    private Report() {
    }

    static String markdown(VmImage image, List<VmSuite.AgentRun> runs) {
        StringBuilder sb = new StringBuilder("# guestd VM suite\n\n");
        sb.append("Guest: Debian kernel ").append(image.kernelRelease()).append(", QEMU TCG, ")
                .append(Vm.VCPUS).append(" vCPUs, ").append(Vm.MEMORY_MIB).append(" MiB; reference ")
                .append(image.qemuGaPackage()).append(". Not-implemented cases ")
                .append(Verdict.NOT_IMPLEMENTED_IS_FAILURE ? "fail" : "do not fail").append(" the suite.\n\n");
        Set<String> names = new LinkedHashSet<>();
        runs.forEach(r -> r.results().forEach(c -> names.add(c.name())));
        sb.append("| case |");
        runs.forEach(r -> sb.append(' ').append(r.agent().id()).append(" |"));
        sb.append("\n|---|");
        runs.forEach(r -> sb.append("---|"));
        sb.append('\n');
        for (String n : names) {
            sb.append("| ").append(n).append(" |");
            for (VmSuite.AgentRun r : runs) {
                Optional<CaseResult> c = r.results().stream().filter(x -> x.name().equals(n)).findFirst();
                sb.append(' ').append(c.map(x -> VmSuite.label(x.outcome(), x.agent())).orElse("-")).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\n| measurement |");
        runs.forEach(r -> sb.append(' ').append(r.agent().id()).append(" |"));
        sb.append("\n|---|");
        runs.forEach(r -> sb.append("---|"));
        sb.append('\n');
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.addAll(r.metrics().keySet()));
        for (String k : keys) {
            sb.append("| ").append(k).append(" |");
            runs.forEach(r -> sb.append(' ').append(r.metrics().getOrDefault(k, "-")).append(" |"));
            sb.append('\n');
        }
        sb.append("\n## Details\n\n");
        for (VmSuite.AgentRun r : runs) {
            for (CaseResult c : r.results()) {
                sb.append("- ").append(r.agent().id()).append(" / ").append(c.name()).append(": ")
                        .append(VmSuite.label(c.outcome(), c.agent())).append(" (").append(c.millis()).append(" ms)")
                        .append(c.detail().isEmpty() ? "" : " — " + c.detail().replace('\n', ' ')).append('\n');
            }
        }
        return sb.toString();
    }

    /** Summary counts per outcome, e.g. {@code 20 PASS, 3 not implemented yet}. */
    static String counts(VmSuite.AgentRun run) {
        Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
        run.results().forEach(c -> m.merge(c.outcome(), 1L, Long::sum));
        StringBuilder sb = new StringBuilder();
        m.forEach((o, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(VmSuite.label(o, run.agent())));
        return sb.toString();
    }
}
