// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a cloud asked this VM to be, whatever the protocol that carried it (Azure's IMDS and
 * ovf-env.xml today). The provisioning feature turns it into local changes, once per {@link #vmId}.
 *
 * @param vmId the platform's id of this VM: provisioning runs once per id (a new VM from the same
 *     image has a new id and is provisioned again)
 * @param hostName the host name to set, or null to leave it
 * @param adminUser the account to create (or keep) with sudo rights
 * @param sshKeys public keys for the admin user (possibly none)
 * @param disablePasswordAuthentication whether sshd must refuse passwords ({@code true}) or allow
 *     them ({@code false}); null leaves sshd's configuration alone
 * @param password the admin user's password (only its hash is ever written), or null: then the
 *     account's password is locked
 * @param customData the platform's custom data, stored 0600 and never executed, or null
 * @param ejectDevice the provisioning medium to eject when done ({@code /dev/sr0}), or null
 */
public record ProvisioningRequest(String vmId, Sourced<String> hostName, Sourced<String> adminUser,
        List<SshKey> sshKeys, Sourced<Boolean> disablePasswordAuthentication, Sourced<Secret> password,
        Sourced<byte[]> customData, String ejectDevice) {

    public ProvisioningRequest {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(adminUser, "adminUser");
        sshKeys = List.copyOf(sshKeys);
    }

    /** Where the request's values came from, joined ("ovf-env+imds"). */
    public String sources() {
        LinkedHashSet<String> s = new LinkedHashSet<>();
        if (hostName != null) {
            s.add(hostName.source());
        }
        s.add(adminUser.source());
        sshKeys.forEach(k -> s.add(k.source()));
        if (disablePasswordAuthentication != null) {
            s.add(disablePasswordAuthentication.source());
        }
        return String.join("+", s);
    }

    @Override
    public String toString() {
        return "ProvisioningRequest[vmId=" + vmId + ", hostName=" + (hostName == null ? null : hostName.value())
                + ", adminUser=" + adminUser.value() + ", keys=" + sshKeys.size()
                + ", disablePasswordAuthentication=" + (disablePasswordAuthentication == null ? null
                        : disablePasswordAuthentication.value())
                + ", password=" + (password == null ? "none" : "given") + ", customData="
                + (customData == null ? "none" : customData.value().length + " bytes") + ", eject=" + ejectDevice + "]";
    }
}
