// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.guestd.accounts.Accounts;
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
import org.guestd.provisioning.ProvisioningSettings;
import org.guestd.provisioning.SystemRoot;

/**
 * What the composition root needs to wire Azure: whether this is an Azure VM (then the KVP pools
 * are kept even before a KVP device appears: the pool file is where the host reads the report),
 * who provisions it, and the provisioning service when that is guestd.
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

    /** Reads {@code [azure]}, detects Azure and decides who provisions (reads a few files, no network). */
    public static AzureSetup decide(ConfigSection azure, HostPaths paths) throws ConfigException {
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
     * The provisioning service, when guestd provisions this VM.
     *
     * @param provisioning the {@code [provisioning]} section
     * @param accounts the agent's accounts feature (the one QGA uses too)
     * @param runDir the agent's runtime directory
     */
    public Optional<AzureProvisioning> service(ConfigSection provisioning, Optional<KvpStore> kvp, FactPublisher facts,
            HostPaths paths, Accounts accounts, CommandRunner runner, Path runDir, String version, Clock clock)
            throws ConfigException {
        if (!decision.guestd()) {
            return Optional.empty();
        }
        SystemRoot root = SystemRoot.system();
        Provisioner p = new Provisioner(root, accounts, runner,
                ProvisioningSettings.fromConfig(provisioning), clock, new SecureRandom());
        return Optional.of(new AzureProvisioning(settings, p, kvp, facts, paths, runner, runDir, root.root(), version,
                clock, Retry.Sleeper.REAL));
    }
}
