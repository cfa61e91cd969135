// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e.azure;

import static org.guestd.e2e.azure.Steps.check;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guestd.core.json.JsonReader;
import org.guestd.e2e.GuestShell;
import org.guestd.e2e.Qmp;
import org.guestd.e2e.VmImage;
import org.guestd.host.azure.AzureHostEmulator;
import org.guestd.host.azure.HealthReport;
import org.guestd.host.qga.QgaClient;

/**
 * The Azure VM case: an Azure-looking QEMU guest ({@link AzureVm}) whose guestd, started as its
 * service is, provisions it from the CD and IMDS and reports Ready to the emulator on the host.
 * Then, in the guest, through the control shell: the user, key, password hash, sudoers and sshd
 * drop-ins, host name and {@code .kvp_pool_1}; {@code guestctl azure status}; an agent restart that
 * must not provision again; {@code guestd deprovision} dry run and real run; the failure path (a new
 * VM id with an unusable key: NotReady with the reason, the VM still reachable) and its retry.
 * Prints one line per step and writes {@code report.md}; {@code main} runs it without Maven.
 */
public final class AzureVmCase {
    static final String VM1 = "6f6d6e69-6176-4a0b-8000-000000000001";
    static final String VM2 = "6f6d6e69-6176-4a0b-8000-000000000002";
    static final String USER = "azureuser";
    static final String HOST = "vm-azure-e2e";
    static final String PASSWORD = "E2e-Passw0rd-" + Long.toHexString(System.nanoTime());
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMmKbz9Ku1WAw5ohWmo6xyVtdxd9DdSm0mXt2M1nsTNB e2e@host";
    static final String BAD_KEY = "ssh-rsa AAAA-this-is-not-a-key e2e@host";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(300);
    static final String JAVA = "JAVA_HOME=/opt/jre GUESTD_JAVA_OPTS='-Djna.tmpdir=/tmp -Dio.netty.native.workdir=/tmp' ";
    /** guestctl as its launcher runs it (native access allowed: no JDK 25 warning before the JSON). */
    static final String GUESTCTL = JAVA + "/opt/jre/bin/java --enable-native-access=ALL-UNNAMED "
            + "-cp '/opt/guestd/agent/target/lib/*' org.guestd.kvp.cli.GuestCtl ";

    /** The run: steps in order and the measurements. */
    public record Result(List<Steps.StepResult> steps, Map<String, String> metrics) {
        public boolean passed() {
            return !steps.isEmpty() && steps.stream().allMatch(Steps.StepResult::passed);
        }
    }

    private final PrintStream out;
    private final Steps steps;
    private final Map<String, String> metrics = new LinkedHashMap<>();
    private AzureHostEmulator emu;
    private AzureVm vm;
    private GuestShell shell;

    private AzureVmCase(PrintStream out) {
        this.out = out;
        this.steps = new Steps(out);
    }

    /** Runs the case in a fresh VM under {@code dir}. */
    public static Result run(VmImage image, Path initrd, Path dir, PrintStream out) throws IOException {
        AzureVmCase c = new AzureVmCase(out);
        c.execute(image, initrd, dir);
        Files.writeString(dir.resolve("report.md"), c.steps.report("Azure VM case", c.metrics));
        return new Result(c.steps.results(), Map.copyOf(c.metrics));
    }

    private void execute(VmImage image, Path initrd, Path dir) throws IOException {
        Files.createDirectories(dir);
        emu = AzureHostEmulator.start(new AzureHostEmulator.Instance(VM1, HOST, USER, true,
                List.of(new AzureHostEmulator.Key(KEY, "/home/" + USER + "/.ssh/authorized_keys"))),
                new AzureHostEmulator.Ids("1", "c0a1e2d3-0000-4000-8000-0000000000aa", VM1 + ".MachineRole_IN_0"));
        try {
            for (URI u : List.of(emu.wireServerUri(), emu.imdsUri())) {
                if (!InetAddress.getByName(u.getHost()).isLoopbackAddress()) {
                    throw new IllegalStateException("the emulator is not on loopback: " + u);
                }
            }
            Path iso = OvfIso.build(dir, OvfIso.ovfEnv(HOST, USER, PASSWORD, false, List.of(KEY),
                    "#cloud-config\n# never executed\n".getBytes(StandardCharsets.UTF_8)));
            vm = AzureVm.boot(image, initrd, dir, emu.wireServerUri(), emu.imdsUri(), iso, VM1);
            shell = GuestShell.connect(vm.ctlSocket(), Duration.ofSeconds(60));
            out.printf("== azure: booting (%s)%n", dir);
            boolean ok = steps.run("ready", this::ready)
                    && steps.run("provisioned", this::provisioned)
                    && steps.run("kvp-pool-1", this::kvpPool)
                    && steps.run("guestctl-status", this::status)
                    && steps.run("restart-no-reprovision", this::restart)
                    && steps.run("deprovision-dry-run", this::dryRun)
                    && steps.run("deprovision", this::deprovision)
                    && steps.run("unusable-key-not-ready", this::failurePath)
                    && steps.run("retry-after-failure", this::retry);
            if (!ok) {
                out.print(vm.consoleTail(60).indent(6));
            }
        } finally {
            if (shell != null) {
                shell.close();
            }
            if (vm != null) {
                vm.close();
            }
            emu.close();
        }
    }

    private String sh(String cmd) throws IOException {
        return shell.sh(cmd);
    }

    private HealthReport awaitReport(int n) throws Exception {
        List<HealthReport> h = emu.awaitHealthReports(n, READY_TIMEOUT);
        check(h.size() >= n, "no health report #" + n + " within " + READY_TIMEOUT.toSeconds() + " s (emulator saw "
                + emu.requests().size() + " requests)");
        return h.get(n - 1);
    }

    /** The last "… ms after the agent process started" the agent logged. */
    private String agentMillis() {
        Matcher m = Pattern.compile("(\\d+) ms after the agent process started").matcher(vm.console());
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private String ready() throws Exception {
        shell.runWhenUp("true", Duration.ofSeconds(120));
        HealthReport r = awaitReport(1);
        long qemuMs = (r.atNanos() - vm.startNanos()) / 1_000_000;
        check(r.state().equals("Ready"), "first report is " + r.state() + " " + r.subStatus() + ": " + r.description());
        check(r.kind().equals("json"), "reported over " + r.kind());
        check(r.agentName().startsWith("guestd/"), "agent name " + r.agentName());
        String agent = null;
        for (int i = 0; i < 50 && (agent = agentMillis()) == null; i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        metrics.put("QEMU start → Ready", qemuMs + " ms");
        metrics.put("agent process start → Ready (guestd's log)", agent + " ms");
        check(vm.console().contains("azure: Azure VM; guestd provisions this VM (neither waagent nor cloud-init is set to)"),
                "the who-provisions line is not in the log");
        return "Ready over JSON " + qemuMs + " ms after QEMU start, " + agent + " ms after the agent process started";
    }

    private String provisioned() throws Exception {
        String pw = sh("grep '^" + USER + ":' /etc/passwd");
        check(pw.matches(USER + ":x:1000:1000::/home/" + USER + ":/bin/sh"), "passwd entry: " + pw);
        check(sh("cat /home/" + USER + "/.ssh/authorized_keys").equals(KEY), "authorized_keys differs");
        String modes = sh("stat -c '%a %u %g' /home/" + USER + "/.ssh /home/" + USER + "/.ssh/authorized_keys");
        check(modes.equals("700 1000 1000\n600 1000 1000"), "modes/owners: " + modes);
        check(sh("hostname").equals(HOST), "hostname: " + sh("hostname"));
        check(sh("cat /etc/hostname").equals(HOST), "/etc/hostname: " + sh("cat /etc/hostname"));
        String sudoers = sh("cat /etc/sudoers.d/guestd-provisioning; stat -c %a /etc/sudoers.d/guestd-provisioning");
        check(sudoers.endsWith(USER + " ALL=(ALL) ALL\n440"), "sudoers drop-in (password given: no NOPASSWD): " + sudoers);
        check(sh("/usr/sbin/visudo -c -q -f /etc/sudoers.d/guestd-provisioning; echo $?").equals("0"), "visudo rejects it");
        String hash = sh("grep '^" + USER + ":' /etc/shadow | cut -d: -f2");
        check(hash.startsWith("$6$") && !hash.contains(PASSWORD), "shadow field: " + hash);
        check(cryptMatches(PASSWORD, hash), "the shadow hash does not verify the password with the host's crypt(3)");
        check(sh("grep -rl -- '" + PASSWORD + "' /etc /var/lib /home /run 2>/dev/null | wc -l").equals("0"),
                "the clear-text password is in a file");
        check(!vm.console().contains(PASSWORD), "the clear-text password is in the agent's log");
        check(sh("cat /etc/ssh/sshd_config.d/50-guestd-provisioning.conf").endsWith("PasswordAuthentication yes"),
                "sshd drop-in");
        check(sh("stat -c %a /var/lib/guestd/provisioning/custom-data").equals("600"), "custom data mode");
        // eject opens the tray; Linux's cdrom autoclose shuts it again on the next open (QEMU keeps the medium)
        check(vm.console().contains("provisioning step=eject source=- result=done detail=/dev/sr0"), "the CD was not ejected");
        return "user 1000, key 0600, $6$ hash verified, sudoers 0440 (visudo ok), sshd drop-in, custom data 0600, CD ejected";
    }

    private static boolean cryptMatches(String password, String hash) throws Exception {
        Process p = new ProcessBuilder("python3", "-W", "ignore", "-c",
                "import crypt,sys; print(crypt.crypt(sys.stdin.readline().rstrip('\\n'), sys.argv[1]) == sys.argv[1])", hash)
                .redirectErrorStream(true).start();
        p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return o.equals("True");
    }

    private String kvpPool() throws Exception {
        List<KvpPool.Rec> recs = KvpPool.parse(sh("base64 /var/lib/hyperv/.kvp_pool_1"));
        KvpPool.Rec report = recs.stream().filter(r -> r.key().equals("PROVISIONING_REPORT")).findFirst()
                .orElseThrow(() -> new Steps.Failure("no PROVISIONING_REPORT in .kvp_pool_1"));
        check(report.value().matches("result=success\\|agent=guestd/[^|]+\\|pps_type=None\\|vm_id=" + VM1
                + "\\|timestamp=\\d{4}-\\d\\d-\\d\\dT[0-9:.]+\\+00:00"), "report: " + report.value());
        long events = recs.stream().filter(r -> r.key().startsWith("guestd-") && r.key().contains("|" + VM1 + "|INFO|provision:"))
                .count();
        check(events >= 8, events + " telemetry events");
        for (KvpPool.Rec r : recs) {
            check(r.key().getBytes(StandardCharsets.UTF_8).length <= 254 && r.value().getBytes(StandardCharsets.UTF_8).length <= 1022,
                    "record over the host's limits: " + r.key());
        }
        return recs.size() + " records: PROVISIONING_REPORT + " + events + " telemetry events; " + report.value();
    }

    private String status() throws Exception {
        GuestShell.Result r = shell.run(GUESTCTL + "azure status --json", Duration.ofSeconds(120));
        check(r.rc() == 0, "guestctl azure status exit " + r.rc() + ": " + r.out());
        Object v = JsonReader.parse(r.text());
        Map<?, ?> m = (Map<?, ?>) v;
        Map<?, ?> st = (Map<?, ?>) m.get("state");
        check(Boolean.TRUE.equals(m.get("azure")), "not detected as Azure: " + r.text());
        check("provisioned".equals(st.get("status")) && VM1.equals(st.get("vmId")), "state: " + st);
        check("Ready".equals(((Map<?, ?>) st.get("report")).get("health")), "report: " + st.get("report"));
        check(String.valueOf(m.get("kvpReport")).startsWith("result=success"), "kvpReport: " + m.get("kvpReport"));
        return "exit 0; provisioned, Ready, from " + st.get("sources");
    }

    private void restartAgent() throws Exception {
        sh("kill $(cat /run/e2e/agent.pid)");
    }

    private int count(String needle) {
        return vm.console().split(Pattern.quote(needle), -1).length - 1;
    }

    private String restart() throws Exception {
        int imds = imdsRequests();
        String done = "was provisioned and reported Ready before: nothing to do";
        int before = count(done);
        restartAgent();
        Steps.waitFor(() -> count(done) > before, "the restarted agent's 'nothing to do'", READY_TIMEOUT);
        check(emu.healthReports().size() == 1, "a second health report after a restart");
        check(sh("grep -c '^" + USER + ":' /etc/passwd").equals("1"), "user added twice");
        return "restarted agent: IMDS asked again (" + (imdsRequests() - imds) + "), nothing provisioned or reported";
    }

    private int imdsRequests() {
        return (int) emu.requests().stream().filter(q -> q.endpoint().equals("imds")).count();
    }

    private String dryRun() throws Exception {
        String snapshot = "cat /etc/passwd /etc/hostname; ls -la /home /var/lib/guestd/provisioning /etc/sudoers.d; "
                + "md5sum /var/lib/hyperv/.kvp_pool_1";
        String before = sh(snapshot);
        GuestShell.Result r = shell.run(JAVA + "/opt/guestd/bin/guestd deprovision --user --dry-run", Duration.ofSeconds(120));
        check(r.rc() == 0, "exit " + r.rc() + ": " + r.out());
        for (String s : List.of("guestd deprovision would:", "reset the host name to localhost.localdomain",
                "delete the provisioned user " + USER + " and its home directory", "remove the sudoers drop-in",
                "KVP record(s)", "dry run: nothing was changed")) {
            check(r.out().contains(s), "dry run output lacks '" + s + "':\n" + r.out());
        }
        check(sh(snapshot).equals(before), "the dry run changed something");
        return (r.out().split("\n").length - 2) + " actions listed, nothing changed";
    }

    private String deprovision() throws Exception {
        GuestShell.Result r = shell.run(JAVA + "/opt/guestd/bin/guestd deprovision --user --force", Duration.ofSeconds(120));
        check(r.rc() == 0, "exit " + r.rc() + ": " + r.out());
        check(sh("grep -c '^" + USER + ":' /etc/passwd || true").equals("0"), "user still in /etc/passwd");
        check(sh("test -e /home/" + USER + " && echo yes || echo no").equals("no"), "home still there");
        check(sh("hostname").equals("localhost.localdomain"), "hostname " + sh("hostname"));
        check(sh("ls /var/lib/guestd/provisioning 2>/dev/null | wc -l").equals("0"), "state still there");
        check(sh("ls /etc/sudoers.d /etc/ssh/sshd_config.d | grep -c guestd || true").equals("0"), "drop-ins still there");
        List<KvpPool.Rec> recs = KvpPool.parse(sh("base64 /var/lib/hyperv/.kvp_pool_1"));
        check(recs.stream().noneMatch(x -> x.key().equals("PROVISIONING_REPORT") || x.key().startsWith("guestd-")),
                "guestd's KVP records remain");
        return "user, home, drop-ins, state and KVP records removed; host name localhost.localdomain";
    }

    private String failurePath() throws Exception {
        // the next VM has no provisioning CD: the medium is taken out of the drive
        try (Qmp qmp = Qmp.connect(vm.qmpSocket(), Duration.ofSeconds(30))) {
            qmp.execute("eject", Map.of("device", "ide1-cd0", "force", true));
        }
        emu.instance(new AzureHostEmulator.Instance(VM2, "vm-azure-e2e-2", USER, true,
                List.of(new AzureHostEmulator.Key(BAD_KEY, null))));
        restartAgent();
        HealthReport r = awaitReport(2);
        check(r.state().equals("NotReady") && "ProvisioningFailed".equals(r.subStatus()), "report " + r);
        check(r.description().startsWith("check: SSH key 1 of 1 is not a usable public key"), "reason: " + r.description());
        check(r.description().length() <= 512, "reason longer than 512");
        // reachable: the agent still answers on its channel, the shell works
        try (QgaClient q = QgaClient.connect(vm.qgaSocket(), Duration.ofSeconds(30))) {
            q.timeout(Duration.ofSeconds(120)).sync();
            check(!q.execute("guest-ping").isError(), "guest-ping failed after NotReady");
        }
        GuestShell.Result st = shell.run(GUESTCTL + "azure status", Duration.ofSeconds(120));
        check(st.rc() == 4 && st.out().contains("provisioning:    failed (VM " + VM2), "status exit " + st.rc() + ":\n" + st.out());
        List<KvpPool.Rec> recs = KvpPool.parse(sh("base64 /var/lib/hyperv/.kvp_pool_1"));
        String report = recs.stream().filter(x -> x.key().equals("PROVISIONING_REPORT")).map(KvpPool.Rec::value)
                .findFirst().orElse("");
        check(report.startsWith("result=error|reason=check: SSH key 1 of 1") && report.contains("vm_id=" + VM2),
                "KVP report: " + report);
        return "NotReady: " + r.description() + "; guest-ping answers; guestctl exit 4";
    }

    private String retry() throws Exception {
        emu.instance(new AzureHostEmulator.Instance(VM2, "vm-azure-e2e-2", USER, true,
                List.of(new AzureHostEmulator.Key(KEY, null))));
        restartAgent();
        HealthReport r = awaitReport(3);
        check(r.state().equals("Ready"), "after the fix: " + r);
        check(sh("hostname").equals("vm-azure-e2e-2"), "hostname " + sh("hostname"));
        check(sh("cat /home/" + USER + "/.ssh/authorized_keys").equals(KEY), "key");
        return "the next start provisioned VM " + VM2 + " from IMDS alone and reported Ready";
    }

    /** {@code [--repo DIR] [--out DIR]}: builds (or finds) the images and runs the case. */
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("guestd.repo", "."));
        Path outDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--out" -> outDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        repo = repo.toAbsolutePath().normalize();
        outDir = (outDir == null ? repo.resolve("e2e/target/azure-vm") : outDir).toAbsolutePath();
        Files.createDirectories(outDir);
        VmImage image = VmImage.prepare(repo, outDir.resolve("prepare.log"));
        Path initrd = AzureImage.prepare(repo, outDir.resolve("prepare.log"));
        Result r = run(image, initrd, outDir, System.out);
        System.out.println(Files.readString(outDir.resolve("report.md")));
        System.exit(r.passed() ? 0 : 1);
    }
}
