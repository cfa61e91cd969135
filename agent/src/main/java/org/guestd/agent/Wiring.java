// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.guestd.accounts.Accounts;
import org.guestd.azure.AzureProvisioning;
import org.guestd.azure.AzureSetup;
import org.guestd.core.AgentException;
import org.guestd.core.config.AgentConfig;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.AgentFact;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.FactSource;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.Availability;
import org.guestd.core.status.StatusFile;
import org.guestd.files.FileHandles;
import org.guestd.files.FileReceiver;
import org.guestd.freeze.FreezeListener;
import org.guestd.freeze.FreezeService;
import org.guestd.freeze.FsOps;
import org.guestd.guestinfo.GuestFacts;
import org.guestd.guestinfo.GuestInfo;
import org.guestd.guestinfo.LinuxGuestInfo;
import org.guestd.guestinfo.NativeSystemProbes;
import org.guestd.heartbeat.HeartbeatTracker;
import org.guestd.hyperv.HypervService;
import org.guestd.kvp.KvpService;
import org.guestd.memory.MemoryReporter;
import org.guestd.memory.MemorySampler;
import org.guestd.memory.SysfsMemoryBlocks;
import org.guestd.memory.SysfsVcpuControl;
import org.guestd.process.ProcessRunner;
import org.guestd.provisioning.Provisioner;
import org.guestd.provisioning.ProvisioningSettings;
import org.guestd.provisioning.SystemRoot;
import org.guestd.qga.QgaFeatures;
import org.guestd.qga.QgaService;
import org.guestd.shutdown.LinuxPowerControl;
import org.guestd.timesync.NativeClock;
import org.guestd.timesync.SystemTimeSync;
import org.guestd.timesync.TimeHealer;
import org.guestd.transport.IoLoop;
import org.guestd.transport.Transport;
import org.guestd.xen.XenService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one page where guestd is put together. Features are built first, each from its own config
 * section; then each protocol is handed the features it uses, typed, through its constructor
 * (a feature that cannot exist here — no native ioctls, not a Hyper-V guest — is an explicit
 * empty value, and the protocol answers as the reference daemon does without it). The service
 * list at the end is the start order; services stop in reverse. A new channel plugs in here:
 * see ARCHITECTURE.md, "Adding a channel".
 */
final class Wiring {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.agent");

    /**
     * What the agent runs.
     *
     * @param services in start order
     * @param freeze the freeze feature (the agent thaws through it first on SIGTERM), or empty
     * @param facts the fact publisher
     * @param status the status file
     */
    record Assembly(List<AgentService> services, Optional<FreezeService> freeze, FactPublisher facts,
            StatusFile status) {}

    /**
     * The agent's environment: where it reads the system, the two outside inputs qemu-ga takes, and
     * what the status file tells about the configuration.
     *
     * @param configFile the config file read, if any
     * @param policyOrigins where the RPC block/allow list came from (empty: none was set)
     */
    record Inputs(AgentConfig config, HostPaths paths, Clock clock, CommandRunner runner, Path stateDir,
            Optional<Path> qgaOsRelease, Optional<String> tz, String version, Optional<Path> configFile,
            List<String> policyOrigins) {}

    private Wiring() {}

    static Assembly build(Inputs in, Supplier<Transport> qgaTransport, IoLoop loop) throws AgentException {
        AgentConfig cfg = in.config();
        ConfigSection general = cfg.general();

        // features
        Optional<FreezeService> freeze = optional("freeze", FreezeService.nativeAvailability(),
                () -> new FreezeService(cfg.section(FreezeService.NAME), general, in.paths(), in.clock(), in.runner(),
                        FsOps.NATIVE));
        GuestInfo info = LinuxGuestInfo.fromConfig(cfg.section("guestinfo"), in.paths(), in.clock(),
                new NativeSystemProbes(), in.qgaOsRelease(), in.tz());
        HeartbeatTracker heartbeat = HeartbeatTracker.fromConfig(cfg.section("heartbeat"), in.clock());
        NativeClock systemClock = new NativeClock();
        SystemTimeSync time = SystemTimeSync.fromConfig(cfg.section("timesync"), systemClock, in.runner());
        TimeHealer healer = TimeHealer.create(cfg.section("timesync"), systemClock, in.runner(), in.paths());
        time.listener(healer); // a guest-set-time is the host's choice, not drift: never undone, not even mid-set
        LinuxPowerControl power = LinuxPowerControl.fromConfig(cfg.section("shutdown"), in.runner(), in.paths());
        SysfsMemoryBlocks memoryBlocks = new SysfsMemoryBlocks(in.paths());
        SysfsVcpuControl vcpus = new SysfsVcpuControl(in.paths());
        MemorySampler memorySampler = new MemorySampler(in.paths(), in.clock());
        // Azure: who provisions (one log line); on Azure the KVP pools run even before a KVP device exists
        AzureSetup azure = AzureSetup.forAgent(cfg.section("azure"), in.paths());
        if (azure.onAzure() || !azure.decision().who().equals("nobody")) {
            LOG.info(azure.decision().line());
        } else {
            LOG.debug(azure.decision().line());
        }
        Optional<KvpService> kvp = optional("kvp", azure.onAzure() ? Availability.available()
                : KvpService.availability(cfg.section("kvp"), general, in.paths()),
                () -> new KvpService(cfg.section("kvp"), general, in.paths(), in.runner(), info, in::version));
        ProcessRunner processes = new ProcessRunner();
        FileHandles fileHandles = new FileHandles(in.stateDir());
        FileReceiver fileReceiver = new FileReceiver(HypervService.fcopyRoot(general, cfg.section("hyperv")));
        Accounts accounts = new Accounts(in.paths(), in.runner());

        // facts the channels may report (read only while one listens)
        FactPublisher facts = new FactPublisher();
        facts.put(FactKind.AGENT, FactKind.SINGLE, new AgentFact("guestd", in.version()));
        GuestFacts.register(facts, info, in.paths(), GuestFacts.interval(cfg.section("guestinfo")));
        new MemoryReporter(cfg.section("memory"), memorySampler, in.clock()).register(facts);
        facts.addSource(FactKind.LIVENESS, LIVENESS_INTERVAL, FactSource.single(heartbeat::fact));

        // protocols
        Optional<AzureProvisioning> provisioning = azure.decision().guestd()
                ? Optional.of(azure.service(provisioner(cfg, accounts, in.runner(), in.clock()), kvp.map(KvpService::store),
                        facts, in.paths(), in.runner(), in.stateDir(), in.version(), in.clock()))
                : Optional.empty();
        QgaFeatures qgaFeatures = new QgaFeatures.Builder(info, in.clock()).heartbeat(heartbeat).time(time)
                .freeze(freeze.map(FreezeService::freezer).orElse(null), freeze.map(FreezeService::trimmer).orElse(null))
                .power(power).memory(memoryBlocks, vcpus).processes(processes).files(fileHandles).accounts(accounts)
                .memoryStats(memorySampler).build();
        QgaService qga = new QgaService(qgaTransport, qgaFeatures, in.version());
        HypervService hyperv = new HypervService(loop,
                kvp.map(k -> new HypervService.Kvp(k.store(), k.intrinsics())), freeze.map(FreezeService::freezer),
                Optional.of(fileReceiver)).vmbusPresent(Files.isDirectory(in.paths().dev().resolve("vmbus")))
                .heartbeat(heartbeat);
        XenService xen = new XenService(loop, facts, power, healer::check);

        // the status file guestctl reads: rewritten on changes, every 30 s, never while frozen
        String policy = in.policyOrigins().isEmpty() ? null : String.join("; ", in.policyOrigins());
        StatusFile status = new StatusFile(in.stateDir(), new StatusReport(new StatusReport.Sources(in.version(),
                ProcessHandle.current().pid(), in.clock().realtimeNanos(), in.configFile().map(Path::toString)
                .orElse(null), in.stateDir().toString(), policy, in.clock(), heartbeat,
                freeze.map(FreezeService::freezer), memorySampler, healer, List.of(qga, hyperv, xen), qga::commands)));
        qga.onChange(status::changed);
        hyperv.onChange(status::changed);
        xen.onChange(status::changed);
        heartbeat.onNewSource(status::changed);
        healer.afterCorrection(status::changed);
        freeze.ifPresent(f -> f.addListener(new FreezeListener() {
            @Override
            public void beforeFreeze() {
                status.beforeFreeze();
            }

            @Override
            public void afterThaw() {
                status.afterThaw();
            }
        }));

        // start order: features with a lifecycle, the publisher, the channels, then the status file
        List<AgentService> services = new ArrayList<>();
        freeze.ifPresent(services::add);
        kvp.ifPresent(services::add);
        services.add(facts);
        services.add(new FactTriggers(loop, facts, healer::check));
        services.add(healer);
        services.add(qga);
        services.add(hyperv);
        services.add(xen);
        provisioning.ifPresent(services::add);
        services.add(status);
        return new Assembly(List.copyOf(services), freeze, facts, status);
    }

    /**
     * The provisioning feature on this machine's root, with the agent's accounts (the ones QGA
     * uses); the resident agent and {@code guestd provision} build it alike.
     */
    static Provisioner provisioner(AgentConfig cfg, Accounts accounts, CommandRunner runner, Clock clock)
            throws AgentException {
        return new Provisioner(SystemRoot.system(), accounts, runner,
                ProvisioningSettings.fromConfig(cfg.section("provisioning")), clock, new SecureRandom());
    }

    /** How often liveness (alive or not) is re-judged while a channel reports it. */
    static final Duration LIVENESS_INTERVAL = Duration.ofSeconds(30);

    /** A feature that exists only where it can: built when available, else empty with one log line. */
    private static <T> Optional<T> optional(String name, Availability a, Factory<T> factory) throws AgentException {
        if (!a.isAvailable()) {
            LOG.info("{} is off: {}", name, a.cause());
            return Optional.empty();
        }
        return Optional.of(factory.make());
    }

    @FunctionalInterface
    private interface Factory<T> {
        T make() throws AgentException;
    }
}
