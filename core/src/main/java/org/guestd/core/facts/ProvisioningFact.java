// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.Objects;

/**
 * The cloud provisioning state of the VM.
 *
 * @param state what happened: {@code "provisioning"}, {@code "ready"}, {@code "failed"}
 * @param detail a reason or description, or null
 */
public record ProvisioningFact(String state, String detail) {
    public ProvisioningFact {
        Objects.requireNonNull(state, "state");
    }
}
