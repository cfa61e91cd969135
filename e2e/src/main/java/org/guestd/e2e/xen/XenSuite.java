// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.xen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The nested-Xen suite: boots Xen 4.17 + PV dom0 + PV domU running the agent as its service runs it
 * under QEMU TCG ({@link XenVm}), then checks, from dom0's xenstore, every key guestd wrote (against the
 * domU's os-release and its own view: {@link DomUChecks}), an address change in the domU reaching dom0
 * within 2 s, dom0's own checks, and that {@code xl shutdown} powered the domU off. One more boot is
 * made, with the reason and the consoles printed, when the first failed for the nested machine's sake
 * (before the domU ran, or the domU's kernel died) or only its timing checks failed; a wrong key fails
 * at once. The dom0 and domU consoles are printed whenever the suite fails. The report goes to
 * {@code OUT/report.md}.
 *
 * <pre>java -cp e2e/target/classes org.guestd.e2e.xen.XenSuite [REPO] [OUT]</pre>
 */
public final class XenSuite {
    /** Hard limit per boot. */
    public static final Duration BOOT_LIMIT = Duration.ofMinutes(8);
    /** The checks whose failure alone is worth a second boot: times measured under nested TCG. */
    static final Set<String> TIMING_CHECKS = Set.of("address change → dom0",
            "dom0 address-change-within-2s");
    /** How long dom0 waits for guestd's keys after unpausing the domU. */
    public static final int WAIT_FOR_KEYS_SECONDS = 240;

    private XenSuite() {}

    /** A check's outcome. */
    public record Result(String name, boolean ok, String detail) {}

    /** Boots (retrying one failed boot), checks, reports; true when every check passed. */
    public static boolean run(XenImage image, Path out, PrintStream log) throws IOException, InterruptedException {
        Files.createDirectories(out);
        XenRun run = null;
        String bootFailure = null;
        List<Result> results = null;
        List<String> notes = new ArrayList<>();
        for (int attempt = 1; attempt <= 2; attempt++) {
            Path dir = out.resolve("boot-" + attempt);
            log.println("[xen-suite] boot " + attempt + ": QEMU TCG, Xen 4.17, PV dom0 + PV domU (limit "
                    + BOOT_LIMIT.toMinutes() + " min); console in " + dir.resolve("console.log"));
            try (XenVm vm = XenVm.boot(image, dir, BOOT_LIMIT, WAIT_FOR_KEYS_SECONDS)) {
                int rc = vm.waitExit();
                run = new XenRun(vm.lines(), rc);
            }
            bootFailure = run.bootFailure();
            String retry;
            if (bootFailure != null) {
                retry = "boot " + attempt + " failed: " + bootFailure;
            } else {
                results = check(run, image);
                List<String> failed = results.stream().filter(r -> !r.ok()).map(Result::name).toList();
                if (failed.isEmpty() || !TIMING_CHECKS.containsAll(failed)) {
                    break; // passed, or a failure a second boot would not excuse
                }
                retry = "boot " + attempt + ": only the timing checks failed " + failed + " (nested TCG on a shared machine)";
            }
            notes.add(retry);
            log.println("[xen-suite] " + retry + (attempt == 1 ? "; retrying once" : ""));
            printConsoles(run, log);
        }
        if (bootFailure != null) {
            results = List.of(new Result("boot", false, bootFailure));
        }
        boolean ok = results.stream().allMatch(Result::ok);
        String report = report(results, run, notes, image);
        Files.writeString(out.resolve("report.md"), report, StandardCharsets.UTF_8);
        log.print(report);
        if (!ok && bootFailure == null) {
            printConsoles(run, log);
        }
        return ok;
    }

    /** The checks of one run that booted. */
    static List<Result> check(XenRun run, XenImage image) throws IOException {
        List<Result> r = new ArrayList<>();
        String home = run.keys().keySet().stream().filter(k -> k.endsWith("/attr/PVAddons/Installed"))
                .map(k -> k.substring(0, k.length() - "/attr/PVAddons/Installed".length())).findFirst().orElse(null);
        if (home == null) {
            r.add(new Result("keys", false, "no attr/PVAddons/Installed in dom0's view of the domU"));
        } else {
            Map<String, String> keys = new LinkedHashMap<>();
            run.keys().forEach((k, v) -> {
                if (k.startsWith(home + "/")) {
                    keys.put(k.substring(home.length() + 1), v);
                }
            });
            String updated = keys.get("data/updated");
            r.add(new Result("data/updated", updated != null
                    && updated.matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 1-3][0-9] \\d{2}:\\d{2}:\\d{2} \\d{4}"),
                    "xe-guest-utilities' format, dom0 read " + (updated == null ? "nothing" : "\"" + updated + "\"")));
            for (Map.Entry<String, String> e : expectedKeys(image).entrySet()) {
                String got = keys.get(e.getKey());
                r.add(new Result(e.getKey(), e.getValue().equals(got),
                        "expected \"" + e.getValue() + "\", dom0 read " + (got == null ? "nothing" : "\"" + got + "\"")));
            }
            r.addAll(DomUChecks.check(keys, DomUView.parse(run.domUView()), run.addressChangeMillis()));
        }
        run.checks().forEach((name, outcome) -> r.add(new Result("dom0 " + name, outcome.equals("ok"), outcome)));
        r.add(new Result("xl shutdown", run.saw("xl shutdown returned rc=0") && run.saw("domU gone"),
                run.saw("domU gone") ? "the domU powered off" : "the domU did not go away"));
        return r;
    }

    /** What guestd must have written: PVAddons from its version, OS from the domU's os-release and kernel. */
    static Map<String, String> expectedKeys(XenImage image) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        String[] v = image.guestdVersion().split("[^0-9.]", 2)[0].split("\\.");
        keys.put("attr/PVAddons/Installed", "1");
        keys.put("attr/PVAddons/MajorVersion", part(v, 0));
        keys.put("attr/PVAddons/MinorVersion", part(v, 1));
        keys.put("attr/PVAddons/MicroVersion", part(v, 2));
        keys.put("attr/PVAddons/BuildVersion", part(v, 3));
        Map<String, String> os = new LinkedHashMap<>();
        for (String line : Files.readAllLines(image.osRelease())) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                os.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^\"|\"$", ""));
            }
        }
        keys.put("data/os_distro", os.get("ID"));
        keys.put("data/os_name", os.get("PRETTY_NAME"));
        keys.put("data/os_majorver", os.get("VERSION_ID").split("\\.")[0]);
        keys.put("data/os_minorver", os.get("VERSION_ID").split("\\.")[1]);
        keys.put("data/os_uname", image.kernelRelease());
        keys.put("control/feature-balloon", "1");
        return keys;
    }

    private static String part(String[] v, int i) {
        return i < v.length && !v[i].isEmpty() ? Long.toString(Long.parseLong(v[i])) : "0";
    }

    static String report(List<Result> results, XenRun run, List<String> notes, XenImage image) {
        StringBuilder sb = new StringBuilder("# nested-Xen suite\n\n");
        sb.append("Xen 4.17 (Debian), PV dom0 + PV domU, kernel ").append(image.kernelRelease())
                .append(", guestd ").append(image.guestdVersion()).append(", QEMU TCG -cpu ").append(XenVm.CPU).append("\n\n");
        for (String n : notes) {
            sb.append("- ").append(n).append('\n');
        }
        sb.append("\n| check | outcome | detail |\n|---|---|---|\n");
        for (Result r : results) {
            sb.append("| ").append(r.name()).append(" | ").append(r.ok() ? "PASS" : "FAIL").append(" | ")
                    .append(r.detail().replace("|", "\\|")).append(" |\n");
        }
        if (run != null) {
            sb.append("\n| step (host seconds since QEMU start) | at |\n|---|---|\n");
            for (String step : List.of("dom0 init started", "xenstored up", "xl create start", "xl create returned",
                    "domU unpaused", "guestd keys present", "guestd keys settled", "checks done", "xl shutdown returned",
                    "domU gone")) {
                OptionalLong t = run.markAt(step);
                sb.append("| ").append(step).append(" | ")
                        .append(t.isPresent() ? String.format("%.1f s", t.getAsLong() / 1000.0) : "-").append(" |\n");
            }
            OptionalLong up = run.markAt("domU unpaused");
            OptionalLong keys = run.markAt("guestd keys present");
            if (up.isPresent() && keys.isPresent()) {
                sb.append(String.format("%ndomU unpaused → guestd's keys seen by dom0: %.1f s%n",
                        (keys.getAsLong() - up.getAsLong()) / 1000.0));
            }
            if (run.addressChangeMillis() >= 0) {
                sb.append(String.format("address added in the domU → in dom0's xenstore: %d ms%n", run.addressChangeMillis()));
            }
            sb.append("QEMU exit status ").append(run.qemuExit()).append('\n');
            sb.append("\n| key (dom0's xenstore-ls of the domU, guestd's keys) | value |\n|---|---|\n");
            run.keys().forEach((k, v) -> {
                String rel = k.replaceFirst("^/local/domain/\\d+/", "");
                if (rel.startsWith("attr/") || rel.startsWith("data/") || rel.equals("control/feature-balloon")) {
                    sb.append("| ").append(rel).append(" | ").append(v.isEmpty() ? "\"\"" : v.replace("|", "\\|"))
                            .append(" |\n");
                }
            });
        }
        return sb.toString();
    }

    static void printConsoles(XenRun run, PrintStream log) {
        log.println("---- dom0 and Xen console (last 60 lines)");
        run.dom0Tail(60).forEach(log::println);
        log.println("---- domU console (last 60 lines)");
        run.domUTail(60).forEach(log::println);
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path out = args.length > 1 ? Path.of(args[1]) : repo.resolve("e2e/target/xen-suite");
        Files.createDirectories(out);
        XenImage image = XenImage.prepare(repo, out.resolve("prepare.log"));
        System.exit(run(image, out, System.out) ? 0 : 1);
    }
}
