// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up measurement in the VM: per boot, the time from QEMU's start to the agent's first reply
 * (0xFF + guest-sync-delimited sent as soon as the chardev socket exists, so it waits in the socket
 * until the agent opens the port), and the agent's VmRSS 10 s after that reply. Boots alternate
 * between agents so both see the same machine load.
 */
final class Measure {

    private Measure() {
    }

    static void run(VmImage image, List<Agent> agents, int boots, Path outDir, PrintStream out) throws IOException {
        Map<Agent, List<Long>> first = new LinkedHashMap<>();
        Map<Agent, List<Long>> rss = new LinkedHashMap<>();
        for (int i = 0; i < boots; i++) {
            for (Agent a : agents) {
                try (Vm vm = Vm.boot(image, a, outDir.resolve("measure-" + a.id()));
                     Session s = new Session(vm, a, GuestShell.connect(vm.ctlSocket(), Duration.ofSeconds(60)))) {
                    s.qga();
                    long ms = vm.elapsedMillis();
                    Sleep.millis(10_000);
                    String pid = s.shell().sh("cat /run/e2e/agent.pid");
                    long kb = Long.parseLong(s.shell().sh("awk '/^VmRSS:/{print $2}' /proc/" + pid + "/status"));
                    first.computeIfAbsent(a, k -> new ArrayList<>()).add(ms);
                    rss.computeIfAbsent(a, k -> new ArrayList<>()).add(kb);
                    out.printf("boot %d %-8s first reply %6d ms, VmRSS %6.1f MB%n", i + 1, a.id(), ms, kb / 1024.0);
                    s.qmp().execute("quit", null);
                    vm.waitExit(Duration.ofSeconds(30));
                }
            }
        }
        out.println("\n| agent | QEMU start -> first reply, median (min-max) | VmRSS 10 s later, median |");
        out.println("|---|---|---|");
        for (Agent a : first.keySet()) {
            out.printf("| %s | %.1f s (%.1f-%.1f) | %.1f MB |%n", a.id(), median(first.get(a)) / 1000.0,
                    first.get(a).stream().mapToLong(Long::longValue).min().orElse(0) / 1000.0,
                    first.get(a).stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0,
                    median(rss.get(a)) / 1024.0);
        }
        if (first.containsKey(Agent.GUESTD) && first.containsKey(Agent.QEMU_GA)) {
            out.printf("ratio guestd / qemu-ga (first reply, medians): %.2f%n",
                    median(first.get(Agent.GUESTD)) / median(first.get(Agent.QEMU_GA)));
        }
    }

    static double median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
    }
}
