// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.nio.file.Path;
import java.util.Optional;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;
import org.guestd.core.env.Clock;
import org.guestd.core.env.CommandRunner;
import org.guestd.core.env.HostPaths;
import org.guestd.core.facts.FactPublisher;
import org.guestd.kvp.KvpStore;
import org.guestd.provisioning.AzureDetection;
import org.guestd.provisioning.Provisioner;
import org.guestd.provisioning.ProvisioningAuthority;
import org.guestd.provisioning.SystemRoot;

/**
 * What the composition root needs to wire Azure: whether this is an Azure VM (then the KVP pools
 * are kept even before a KVP device appears: the pool file is where the host reads the report),
 * who provisions it, and the provisioning pass when that is guestd here.
 */
public final class AzureSetup {
    private final AzureSettings settings;
    private final boolean onAzure;
    private final ProvisioningAuthority.Decision decision;

    private AzureSetup(AzureSettings settings, boolean onAzure, ProvisioningAuthority.Decision decision) {
        this.settings = settings;
        this.onAzure = onAzure;
        this.decision = decision;
    }

    /**
     * For the resident agent: reads {@code [azure]}, detects Azure and decides who provisions; when
     * that is guestd and systemd runs the packaged {@value ProvisioningAuthority#UNIT}, the unit does
     * it, not this agent (reads a few files, no network).
     */
    public static AzureSetup forAgent(ConfigSection azure, HostPaths paths) throws ConfigException {
        AzureSetup s = forProvisionCommand(azure, paths);
        return new AzureSetup(s.settings, s.onAzure, ProvisioningAuthority.forResidentAgent(s.decision, SystemRoot.system()));
    }

    /** For {@code guestd provision} (the packaged unit runs it): who provisions, this process being the one. */
    public static AzureSetup forProvisionCommand(ConfigSection azure, HostPaths paths) throws ConfigException {
        AzureSettings s = AzureSettings.fromConfig(azure);
        boolean on = AzureDetection.onAzure(paths);
        return new AzureSetup(s, on, ProvisioningAuthority.decide(s.mode(), on, SystemRoot.system(), paths));
    }

    /** Whether the chassis asset tag says Azure. */
    public boolean onAzure() {
        return onAzure;
    }

    /** Who provisions, with the log line that says so. */
    public ProvisioningAuthority.Decision decision() {
        return decision;
    }

    /**
     * The provisioning pass (a service of the agent, or run once by {@code guestd provision}); only
     * when {@link #decision()} says guestd provisions here.
     *
     * @param provisioner the provisioning feature, on this machine's root
     * @param runDir the runtime directory (the CD is mounted in a private directory there)
     */
    public AzureProvisioning service(Provisioner provisioner, Optional<KvpStore> kvp, FactPublisher facts,
            HostPaths paths, CommandRunner runner, Path runDir, String version, Clock clock) {
        if (!decision.guestd()) {
            throw new IllegalStateException("guestd does not provision here: " + decision.line());
        }
        return new AzureProvisioning(settings, provisioner, kvp, facts, paths, runner, runDir,
                SystemRoot.system().root(), version, clock, Retry.Sleeper.REAL);
    }
}
