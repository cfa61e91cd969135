// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.Objects;

/**
 * A provisioning value and where it came from (for the audit: "host name from imds").
 *
 * @param value the value
 * @param source a short name of its origin, e.g. {@code "imds"} or {@code "ovf-env"}
 */
public record Sourced<T>(T value, String source) {
    public Sourced {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }

    public static <T> Sourced<T> of(T value, String source) {
        return new Sourced<>(value, source);
    }
}
