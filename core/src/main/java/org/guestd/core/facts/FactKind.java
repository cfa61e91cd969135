// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import java.util.List;
import java.util.Objects;

/**
 * A kind of fact about the guest and the type of its value. A kind has one instance ({@link
 * #SINGLE}) or many, told apart by an instance name (an interface name, a mountpoint). Channels map
 * kinds to their wire: Xen {@code data/*} and {@code attr/*} keys, Hyper-V KVP guest-pool records,
 * Azure reports.
 *
 * @param <T> the value type: an immutable record whose {@code equals} decides "changed"
 */
public final class FactKind<T> {
    /** The instance name of a kind that has one instance. */
    public static final String SINGLE = "";

    /** This agent: name and version. One instance. */
    public static final FactKind<AgentFact> AGENT = new FactKind<>("agent", AgentFact.class);
    /** The operating system and kernel. One instance. */
    public static final FactKind<OsFact> OS = new FactKind<>("os", OsFact.class);
    /** The guest's host name. One instance. */
    public static final FactKind<HostNameFact> HOST_NAME = new FactKind<>("host-name", HostNameFact.class);
    /** A network interface and its addresses; instance = interface name. */
    public static final FactKind<InterfaceFact> INTERFACE = new FactKind<>("interface", InterfaceFact.class);
    /** Memory totals. One instance. */
    public static final FactKind<MemoryFact> MEMORY = new FactKind<>("memory", MemoryFact.class);
    /** A mounted filesystem; instance = mountpoint. */
    public static final FactKind<VolumeFact> VOLUME = new FactKind<>("volume", VolumeFact.class);
    /** Host contact as the agent sees it. One instance. */
    public static final FactKind<LivenessFact> LIVENESS = new FactKind<>("liveness", LivenessFact.class);
    /** Cloud provisioning state. One instance. */
    public static final FactKind<ProvisioningFact> PROVISIONING =
            new FactKind<>("provisioning", ProvisioningFact.class);

    /** Every kind, in a stable order (how a full republish is sent). */
    public static final List<FactKind<?>> ALL =
            List.of(AGENT, OS, HOST_NAME, INTERFACE, MEMORY, VOLUME, LIVENESS, PROVISIONING);

    private final String name;
    private final Class<T> type;

    private FactKind(String name, Class<T> type) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
    }

    /** Stable name for logs and config ({@code "interface"}). */
    public String name() {
        return name;
    }

    /** The value type. */
    public Class<T> type() {
        return type;
    }

    /** Casts a value of this kind (from a {@link Fact} whose kind is this). */
    public T cast(Object value) {
        return type.cast(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
