// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.FactPublisher;
import org.guestd.core.facts.ProvisioningFact;
import org.guestd.core.spi.AgentService;
import org.guestd.core.spi.ServiceContext;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;
import org.guestd.provisioning.AzureDetection;
import org.guestd.provisioning.OvfMedia;
import org.guestd.provisioning.Provisioner;
import org.guestd.provisioning.ProvisioningAuthority;
import org.guestd.provisioning.ProvisioningRequest;
import org.guestd.provisioning.ProvisioningState;
import org.guestd.provisioning.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure provisioning as a service of the agent (name {@code azure}), built only when guestd
 * provisions this VM ({@link ProvisioningAuthority}). On its own thread, once per start: read the
 * instance metadata from IMDS, skip everything if this VM id was provisioned and reported Ready
 * already, else read ovf-env.xml from the CD and provision through the protocol-neutral {@link
 * Provisioner}, write the telemetry events and the {@code PROVISIONING_REPORT} to KVP pool 1, then
 * report Ready (or NotReady with the reason) to the wire server, and store what was reported. The
 * provisioning fact follows each stage.
 */
public final class AzureProvisioning implements AgentService {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.azure");

    /** How a pass ended. */
    public enum Outcome {
        /** Provisioned earlier and Ready delivered: nothing done. */
        ALREADY,
        /** Provisioned (or re-reported) and Ready delivered. */
        READY,
        /** Provisioning failed and NotReady delivered. */
        NOT_READY,
        /** The wire server could not be reached within the limit: tried again at the next start. */
        UNREPORTED
    }

    private final AzureSettings settings;
    private final Provisioner provisioner;
    private final Optional<KvpStore> kvp;
    private final FactPublisher facts;
    private final HostPaths paths;
    private final OvfMedia media;
    private final ImdsClient imds;
    private final WireServerClient wire;
    private final String version;
    private final Clock clock;
    private volatile Thread worker;

    /**
     * @param runDir the agent's runtime directory (the CD is mounted in a private directory there)
     * @param deviceRoot where device paths are resolved ({@code /} in the agent)
     */
    public AzureProvisioning(AzureSettings settings, Provisioner provisioner, Optional<KvpStore> kvp,
            FactPublisher facts, HostPaths paths, CommandRunner runner, Path runDir, Path deviceRoot, String version,
            Clock clock, Retry.Sleeper sleeper) {
        this.settings = settings;
        this.provisioner = provisioner;
        this.kvp = kvp;
        this.facts = facts;
        this.paths = paths;
        this.version = version;
        this.clock = clock;
        this.media = new OvfMedia(runner, settings.media(), deviceRoot.resolve(Path.of("/").relativize(
                settings.media().toAbsolutePath())), paths.sys("class/block"), runDir, settings.ovfEnv());
        Retry retry = new Retry(clock, sleeper, Retry.Log.of(LOG));
        String agent = "guestd/" + version;
        Duration req = settings.requestTimeout();
        this.imds = new ImdsClient(settings.imds(), settings.imdsApiVersion(), agent, retry,
                new Retry.Policy(Duration.ofMillis(500), Duration.ofSeconds(5), settings.imdsTimeout()), req);
        Duration json = settings.reportTimeout().dividedBy(5);
        this.wire = new WireServerClient(settings.wireServer(), agent, retry,
                new Retry.Policy(Duration.ofMillis(500), Duration.ofSeconds(5), json),
                new Retry.Policy(Duration.ofSeconds(1), Duration.ofSeconds(10), settings.reportTimeout().minus(json)), req);
    }

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public void start(ServiceContext ctx) {
        Thread t = new Thread(() -> {
            try {
                runOnce();
            } catch (InterruptedException e) {
                LOG.info("azure: provisioning interrupted by the agent's stop; it runs again at the next start");
            } catch (RuntimeException | LinkageError e) {
                // e.g. a runtime image without java.xml: logged, the agent keeps serving its channels
                LOG.error("azure: provisioning failed unexpectedly: {}", e.toString());
                facts.put(FactKind.PROVISIONING, FactKind.SINGLE, new ProvisioningFact("failed", e.toString()));
            }
        }, "guestd-azure");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
    }

    /** One pass (the service's thread runs it once per start). */
    public Outcome runOnce() throws InterruptedException {
        fact("provisioning", "reading IMDS and ovf-env.xml");
        InstanceMetadata meta = null;
        String imdsProblem = null;
        try {
            meta = imds.fetch();
        } catch (Retry.GaveUp e) {
            imdsProblem = e.getMessage();
        }
        String vmId = meta != null ? meta.vmId() : AzureDetection.productUuid(paths);
        if (vmId == null) {
            vmId = "unknown";
        }
        Optional<ProvisioningState> before = provisioner.current();
        if (provisioner.provisioned(vmId) && before.isPresent()) {
            if (before.get().reportedReady()) {
                LOG.info("azure: VM {} was provisioned and reported Ready before: nothing to do", vmId);
                fact("ready", "provisioned before");
                return Outcome.ALREADY;
            }
            LOG.info("azure: VM {} was provisioned but Ready was not delivered: reporting again", vmId);
            return report(before.get());
        }
        // the CD only when there is something to provision (a provisioned VM's CD is not mounted again)
        OvfEnv ovf = null;
        String ovfProblem = null;
        boolean fromCd = false;
        try {
            Optional<byte[]> raw = media.read();
            if (raw.isPresent()) {
                ovf = OvfEnv.parse(raw.get());
                fromCd = settings.ovfEnv() == null;
            } else if (media.problem() != null) {
                LOG.info("azure: no provisioning CD ({}): IMDS only", media.problem());
            }
        } catch (XmlException | IOException e) {
            ovfProblem = e.getMessage();
            LOG.warn("azure: {}", ovfProblem);
        }
        ProvisioningState state;
        try {
            if (ovfProblem != null) {
                throw new RequestBuilder.Unusable(ovfProblem);
            }
            if (ovf == null && meta == null) {
                throw new RequestBuilder.Unusable("no ovf-env.xml and IMDS unreachable: " + imdsProblem);
            }
            ProvisioningRequest req = RequestBuilder.build(vmId, ovf, meta, fromCd ? media.ejectDevice() : null);
            LOG.info("azure: provisioning VM {} from {} ({})", vmId, req.sources(), req);
            fact("provisioning", "VM " + vmId + " from " + req.sources());
            state = provisioner.provision(req);
        } catch (RequestBuilder.Unusable e) {
            try {
                state = provisioner.recordFailure(vmId, ovf != null ? "ovf-env" : meta != null ? "imds" : "-", e.getMessage());
            } catch (IOException io) {
                state = new ProvisioningState(vmId, ProvisioningState.Status.FAILED, Provisioner.cap(e.getMessage()), "-",
                        null, 0, 0, List.of(), null);
            }
        } catch (IOException e) {
            LOG.error("azure: cannot store the provisioning state: {}", e.getMessage());
            state = new ProvisioningState(vmId, ProvisioningState.Status.FAILED,
                    Provisioner.cap("state file: " + e.getMessage()), "-", null, 0, 0, List.of(), null);
        }
        return report(state);
    }

    /** KVP first (events, then PROVISIONING_REPORT), then the health report; stores what was reported. */
    private Outcome report(ProvisioningState s) throws InterruptedException {
        boolean ok = s.status() == ProvisioningState.Status.PROVISIONED;
        String kvpValue = null;
        if (kvp.isPresent()) {
            KvpReport r = new KvpReport(kvp.get(), version, clock, UUID::randomUUID);
            try {
                int pruned = r.pruneEarlierEvents();
                if (pruned > 0) {
                    LOG.info("azure: removed {} telemetry record(s) of earlier passes from KVP pool 1 (other records kept)",
                            pruned);
                }
                for (Step st : s.steps()) {
                    r.event(s.vmId(), st.result() == Step.Result.FAILED ? "ERROR" : "INFO", "provision:" + st.name(),
                            st.result().wireName() + " (" + st.source() + ") " + st.detail());
                }
                kvpValue = ok ? r.success(s.vmId()) : r.failure(s.vmId(), s.reason());
            } catch (KvpException e) {
                LOG.warn("azure: cannot write the KVP report to pool 1: {}", e.getMessage());
            }
        }
        String health = null;
        String via;
        try {
            via = ok ? wire.reportReady() : wire.reportNotReady(s.reason());
            health = ok ? "Ready" : "NotReady";
        } catch (Retry.GaveUp e) {
            via = "not delivered: " + e.getMessage();
        }
        try {
            provisioner.recordReport(new ProvisioningState.Report(kvpValue, health, Provisioner.cap(via),
                    clock.realtimeNanos() / 1_000_000));
        } catch (IOException e) {
            LOG.warn("azure: cannot store the report in the state file: {}", e.getMessage());
        }
        String since = sinceStart();
        if (health == null) {
            LOG.error("azure: VM {} {}; the health report was {} (tried again at the next start)", s.vmId(),
                    ok ? "provisioned" : "failed: " + s.reason(), via);
            fact("failed", "health report not delivered: " + via);
            return Outcome.UNREPORTED;
        }
        if (ok) {
            LOG.info("azure: VM {} provisioned (user {}, from {}); Ready reported ({}){}", s.vmId(), s.user(),
                    s.sources(), via, since);
            fact("ready", "Ready reported (" + via + ")");
            return Outcome.READY;
        }
        LOG.error("azure: provisioning VM {} failed: {}; NotReady reported ({}){}", s.vmId(), s.reason(), via, since);
        fact("failed", s.reason());
        return Outcome.NOT_READY;
    }

    private String sinceStart() {
        Optional<Instant> start = ProcessHandle.current().info().startInstant();
        if (start.isEmpty()) {
            return "";
        }
        long ms = clock.realtimeNanos() / 1_000_000 - start.get().toEpochMilli();
        return ms >= 0 && ms < 86_400_000L ? ", " + ms + " ms after the agent process started" : "";
    }

    private void fact(String state, String detail) {
        facts.put(FactKind.PROVISIONING, FactKind.SINGLE, new ProvisioningFact(state, detail));
    }
}
