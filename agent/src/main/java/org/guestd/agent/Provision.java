// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.accounts.Accounts;
import org.guestd.azure.AzureProvisioning;
import org.guestd.azure.AzureSetup;
import org.guestd.core.AgentException;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.config.ConfigException;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.env.ProcessCommandRunner;
import org.guestd.core.facts.FactPublisher;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpService;
import org.guestd.kvp.KvpStore;
import org.guestd.kvp.file.FileKvpStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code guestd provision [options]}: the Azure provisioning pass once, in the foreground, then
 * exit — what the packaged {@code guestd-provision.service} runs at boot on an Azure VM (a oneshot,
 * as azure-init is), so the resident {@code guestd.service} keeps its sandbox (no IP sockets, a
 * read-only /etc, three capabilities) on Azure as everywhere. The same pass as the agent's
 * {@code azure} service: who provisions ({@code [azure] provision}, waagent, cloud-init), IMDS,
 * the CD, the provisioning feature, KVP pool 1 (through the pool files' locks, safe beside the
 * running agent), the health report. Takes guestd's options ({@code -c}, {@code -v}, {@code -l},
 * {@code --kvp-pool-dir}, the test roots) and reads the same config file.
 */
final class Provision {
    static final String USAGE = String.join("\n",
            "usage: guestd provision [-c FILE] [-v] [-l LOGFILE] [-t RUNDIR] [--kvp-pool-dir DIR]",
            "Provisions this Azure VM once (host name, admin user, password or lock, sudo, SSH keys, sshd) and",
            "reports to the host: KVP pool 1 first, then Ready or NotReady to the wire server. Run at boot by",
            "guestd-provision.service; does nothing when waagent or cloud-init provisions, or off Azure",
            "([azure] provision=auto), and only asks IMDS once this VM id is provisioned and Ready delivered.",
            "The CD is mounted under $RUNTIME_DIRECTORY (the unit's), else under -t (default /run/guestd).",
            "Exit status: 0 Ready delivered (now or before) or nothing for guestd to do; 1 NotReady reported,",
            "the report not delivered (tried again at the next boot) or an error; 2 usage.", "");

    private Provision() {}

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.contains("-h") || args.contains("--help")) {
            Logging.off();
            out.print(USAGE);
            return 0;
        }
        Settings settings;
        boolean verbose;
        try {
            settings = Settings.resolve(CommandLine.parse(args), env);
            verbose = settings.verbose();
        } catch (ConfigException e) {
            Logging.off();
            err.println("guestd provision: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        String problem = Logging.configure(verbose, settings.general().get("logfile").orElse(null), env);
        if (problem != null) {
            err.println("guestd provision: " + problem);
            return 1;
        }
        try {
            return provision(settings, env, LoggerFactory.getLogger("org.guestd.agent"));
        } finally {
            Logging.shutdown();
        }
    }

    private static int provision(Settings settings, Map<String, String> env, Logger log) {
        AgentConfig cfg = settings.config();
        HostPaths paths = settings.hostPaths();
        CommandRunner runner = new ProcessCommandRunner();
        try {
            AzureSetup azure = AzureSetup.forProvisionCommand(cfg.section("azure"), paths);
            log.info(azure.decision().line());
            if (!azure.decision().guestd()) {
                return 0;
            }
            Optional<KvpStore> kvp = Optional.empty();
            if (azure.onAzure() || KvpService.availability(cfg.section("kvp"), cfg.general(), paths).isAvailable()) {
                FileKvpStore store = KvpService.store(cfg.section("kvp"), cfg.general());
                try {
                    store.init();
                    kvp = Optional.of(store);
                } catch (KvpException e) {
                    log.warn("azure: no KVP report: {}", e.getMessage());
                }
            }
            Path runDir = runDir(settings, env);
            Files.createDirectories(runDir);
            AzureProvisioning pass = azure.service(Wiring.provisioner(cfg, new Accounts(paths, runner), runner, Clock.SYSTEM),
                    kvp, new FactPublisher(), paths, runner, runDir, Version.get(), Clock.SYSTEM);
            AzureProvisioning.Outcome outcome = pass.runOnce();
            return outcome == AzureProvisioning.Outcome.READY || outcome == AzureProvisioning.Outcome.ALREADY ? 0 : 1;
        } catch (AgentException | IOException e) {
            log.error("guestd provision: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            log.info("guestd provision: interrupted; provisioning runs again at the next boot");
            return 1;
        }
    }

    /** The unit's runtime directory ({@code $RUNTIME_DIRECTORY}, the first if several), else {@code -t}. */
    static Path runDir(Settings settings, Map<String, String> env) {
        String rd = env.get("RUNTIME_DIRECTORY");
        if (rd != null && !rd.isBlank()) {
            int colon = rd.indexOf(':');
            return Path.of(colon > 0 ? rd.substring(0, colon) : rd);
        }
        return settings.stateDir();
    }
}
