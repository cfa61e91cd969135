// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.Objects;

/**
 * One published fact: a kind, an instance name ({@link FactKind#SINGLE} for one-instance kinds)
 * and a value.
 */
public record Fact<T>(FactKind<T> kind, String instance, T value) {
    public Fact {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(value, "value");
        if (!kind.type().isInstance(value)) {
            throw new IllegalArgumentException(kind + " fact with a " + value.getClass().getSimpleName());
        }
    }

    /** The fact's identity: kind and instance. */
    public Id id() {
        return new Id(kind, instance);
    }

    /** A fact's identity. */
    public record Id(FactKind<?> kind, String instance) {
        public Id {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(instance, "instance");
        }
    }
}
