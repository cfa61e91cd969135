// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.Map;
import java.util.Optional;

/**
 * For other modules' tests (the azure fuzz targets): the check {@link Provisioner#provision} runs
 * before it changes anything, without a system to provision.
 */
public final class RequestChecks {
    private RequestChecks() {}

    /** The request's keys with their normalised authorized_keys lines when it would be applied; empty when refused. */
    public static Optional<Map<SshKey, String>> accepted(ProvisioningRequest req) {
        try {
            return Optional.of(RequestCheck.check(req));
        } catch (RequestCheck.Invalid e) {
            return Optional.empty();
        }
    }
}
