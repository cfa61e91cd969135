// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.guestd.provisioning.ProvisioningRequest;
import org.guestd.provisioning.SshKey;
import org.guestd.provisioning.Sourced;

/**
 * Turns what Azure gave — ovf-env.xml from the CD and/or IMDS — into a protocol-neutral
 * {@link ProvisioningRequest}. The CD is authoritative when present (it is what waagent and
 * cloud-init read, and the only source of a password and custom data); IMDS supplies the VM id,
 * and whatever the CD lacks: the host name and user when there is no CD, the keys the CD gives only
 * by certificate fingerprint, the password-authentication flag the CD leaves out.
 */
final class RequestBuilder {
    private RequestBuilder() {}

    /** The request cannot be built (no data, or data guestd cannot use). */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    /**
     * @param vmId the VM id (IMDS's, or the SMBIOS UUID)
     * @param ovf the CD's document, or null
     * @param imds IMDS's answer, or null
     * @param ejectDevice the CD to eject when ovf came from it, or null
     */
    static ProvisioningRequest build(String vmId, OvfEnv ovf, InstanceMetadata imds, String ejectDevice) throws Unusable {
        if (ovf == null && imds == null) {
            throw new Unusable("no provisioning data: neither an ovf-env.xml nor IMDS");
        }
        Sourced<String> host = ovf != null ? Sourced.of(ovf.hostName(), "ovf-env")
                : imds.computerName() != null ? Sourced.of(imds.computerName(), "imds") : null;
        Sourced<String> user = ovf != null ? Sourced.of(ovf.userName(), "ovf-env")
                : imds.adminUsername() != null ? Sourced.of(imds.adminUsername(), "imds") : null;
        if (user == null) {
            throw new Unusable("no admin user name in IMDS (compute.osProfile.adminUsername)");
        }
        Sourced<Boolean> disable = ovf != null && ovf.disableSshPasswordAuthentication() != null
                ? Sourced.of(ovf.disableSshPasswordAuthentication(), "ovf-env")
                : imds != null && imds.disablePasswordAuthentication() != null
                        ? Sourced.of(imds.disablePasswordAuthentication(), "imds") : null;
        List<SshKey> keys = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<String> byFingerprint = new ArrayList<>();
        if (ovf != null) {
            for (OvfEnv.PublicKey k : ovf.publicKeys()) {
                if (k.value() != null) {
                    if (seen.add(k.value().strip())) {
                        keys.add(new SshKey(k.value(), k.path(), "ovf-env"));
                    }
                } else {
                    byFingerprint.add(k.fingerprint() == null ? "(no fingerprint)" : k.fingerprint());
                }
            }
        }
        boolean useImdsKeys = ovf == null || ovf.publicKeys().isEmpty() || !byFingerprint.isEmpty();
        if (imds != null && useImdsKeys) {
            for (InstanceMetadata.Key k : imds.publicKeys()) {
                if (seen.add(k.keyData().strip())) {
                    keys.add(new SshKey(k.keyData(), k.path(), "imds"));
                }
            }
        }
        if (!byFingerprint.isEmpty() && (imds == null || imds.publicKeys().isEmpty())) {
            throw new Unusable("SSH key " + byFingerprint.get(0) + " is given only by certificate fingerprint "
                    + "(keys from the goal state's certificates are not supported) and IMDS has no keys");
        }
        return new ProvisioningRequest(vmId, host, user, keys, disable,
                ovf != null && ovf.password() != null ? Sourced.of(ovf.password(), "ovf-env") : null,
                ovf != null && ovf.customData() != null ? Sourced.of(ovf.customData(), "ovf-env") : null,
                ejectDevice);
    }
}
