// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.guestd.core.facts.AgentFact;
import org.guestd.core.facts.Fact;
import org.guestd.core.facts.FactKind;
import org.guestd.core.facts.InterfaceFact;
import org.guestd.core.facts.MemoryFact;
import org.guestd.core.facts.OsFact;
import org.guestd.core.facts.VolumeFact;

/**
 * The keys guestd owns in the domain's xenstore directory, as the current facts say they should be:
 * the {@link XenKeyWriter} makes the store equal {@link #desired()}. Not thread-safe (the Xen
 * channel uses it on its event loop).
 *
 * <ul>
 * <li>{@code attr/PVAddons/*} from the agent fact (guestd's version, {@link PvAddonsKeys});
 * <li>{@code control/feature-balloon} = 1 (XAPI's squeezed may balloon the guest: the Linux Xen
 *     balloon driver is in every Xen kernel);
 * <li>{@code data/os_*} from the OS fact ({@link XenKeys#os});
 * <li>{@code data/meminfo_total}, {@code data/meminfo_free} (kB) from the memory fact — the total at
 *     once when it changes (ballooning), the free figure at most every {@code memoryInterval}
 *     (xe-guest-utilities: 120 s, xen-guest-agent: 60 s), so a busy guest does not rewrite it and
 *     {@code data/updated} every few seconds;
 * <li>{@code attr/vif/<id>} (empty) and {@code attr/vif/<id>/ipv4/<n>}, {@code ipv6/<n>} for every
 *     interface on a Xen vif (bus node {@code device/vif/<id>}), in stable slots ({@link VifSlots});
 * <li>{@code data/volumes/<i>/*} ({@link XenKeys#volumes}), extents from the vbd backends the
 *     channel looked up ({@link #setExtent}).
 * </ul>
 */
public final class GuestKeys {
    /** Default for how often meminfo_free may change. */
    public static final Duration DEFAULT_MEMORY_INTERVAL = Duration.ofSeconds(60);

    private final LongSupplier monotonicNanos;
    private final long memoryIntervalNanos;
    private final boolean balloon;
    private AgentFact agent;
    private OsFact os;
    private final Map<String, InterfaceFact> interfaces = new TreeMap<>();
    private final Map<String, VolumeFact> volumes = new TreeMap<>();
    private final Map<String, VifSlots> v4 = new HashMap<>();
    private final Map<String, VifSlots> v6 = new HashMap<>();
    private final Map<String, String> extents = new HashMap<>();
    private MemoryFact memory;
    private long memTotalBytes = -1;
    private long memFreeBytes = -1;
    private long memFreeTakenNanos;

    /**
     * @param monotonicNanos the clock of the memory rate limit
     * @param memoryInterval how often {@code data/meminfo_free} may change (zero: with every memory fact)
     * @param balloon the value of {@code control/feature-balloon}: true "1", false "0"
     */
    public GuestKeys(LongSupplier monotonicNanos, Duration memoryInterval, boolean balloon) {
        this.monotonicNanos = monotonicNanos;
        this.memoryIntervalNanos = memoryInterval.toNanos();
        this.balloon = balloon;
    }

    /** Takes a new or changed fact; true when it may change a key. */
    public boolean changed(Fact<?> f) {
        Object v = f.value();
        if (f.kind() == FactKind.AGENT) {
            agent = (AgentFact) v;
        } else if (f.kind() == FactKind.OS) {
            os = (OsFact) v;
        } else if (f.kind() == FactKind.INTERFACE) {
            interfaces.put(f.instance(), (InterfaceFact) v);
        } else if (f.kind() == FactKind.VOLUME) {
            volumes.put(f.instance(), (VolumeFact) v);
        } else if (f.kind() == FactKind.MEMORY) {
            return takeMemory((MemoryFact) v, false);
        } else {
            return false; // host name, liveness, provisioning: no Xen key
        }
        return true;
    }

    /** A fact went away; true when it may change a key. */
    public boolean withdrawn(Fact.Id id) {
        if (id.kind() == FactKind.AGENT) {
            agent = null;
        } else if (id.kind() == FactKind.OS) {
            os = null;
        } else if (id.kind() == FactKind.INTERFACE) {
            return interfaces.remove(id.instance()) != null;
        } else if (id.kind() == FactKind.VOLUME) {
            return volumes.remove(id.instance()) != null;
        } else if (id.kind() == FactKind.MEMORY) {
            memory = null;
            memTotalBytes = -1;
            memFreeBytes = -1;
        } else {
            return false;
        }
        return true;
    }

    /** Takes the newest memory figures now, whatever the interval (a resume: everything is rewritten). */
    public void refreshMemory() {
        if (memory != null) {
            takeMemory(memory, true);
        }
    }

    private boolean takeMemory(MemoryFact m, boolean force) {
        memory = m;
        long now = monotonicNanos.getAsLong();
        long oldTotalKb = memTotalBytes < 0 ? -1 : memTotalBytes / 1024;
        long oldFreeKb = memFreeBytes < 0 ? -1 : memFreeBytes / 1024;
        boolean totalChanged = m.totalBytes() / 1024 != oldTotalKb;
        memTotalBytes = m.totalBytes();
        if (force || totalChanged || oldFreeKb < 0 || now - memFreeTakenNanos >= memoryIntervalNanos) {
            memFreeBytes = m.availableBytes();
            memFreeTakenNanos = now;
        }
        return totalChanged || memFreeBytes / 1024 != oldFreeKb;
    }

    /** The vbd bus nodes of the volumes whose extent is not known yet. */
    public Set<String> unresolvedVbds() {
        Set<String> out = new TreeSet<>();
        for (VolumeFact v : volumes.values()) {
            if (XenKeys.isVbd(v.busNode()) && !extents.containsKey(v.busNode())) {
                out.add(v.busNode());
            }
        }
        return out;
    }

    /** Records the backend's name of the disk at {@code vbd} ("" when it could not be read). */
    public void setExtent(String vbd, String extent) {
        extents.put(vbd, extent == null ? "" : extent);
    }

    /** Forgets the looked-up extents (after a migration the backends are another host's). */
    public void forgetExtents() {
        extents.clear();
    }

    /** Every key guestd should have in the store now, by relative path. */
    public Map<String, String> desired() {
        Map<String, String> k = new LinkedHashMap<>();
        if (agent != null) {
            k.putAll(PvAddonsKeys.of(agent.version()));
        }
        k.put("control/feature-balloon", balloon ? "1" : "0");
        if (os != null) {
            k.putAll(XenKeys.os(os));
        }
        if (memTotalBytes >= 0) {
            k.putAll(XenKeys.memory(memTotalBytes, memFreeBytes));
        }
        vifs(k);
        k.putAll(XenKeys.volumes(new ArrayList<>(volumes.values()), vbd -> extents.getOrDefault(vbd, "")));
        return k;
    }

    /** Addresses beyond {@link VifSlots#MAX} per family on some vif (reported once by the channel). */
    public int overflowingAddresses() {
        int n = 0;
        for (InterfaceFact i : interfaces.values()) {
            if (XenKeys.vifId(i.busNode()) != null) {
                n += VifSlots.overflow(i.ipv4()) + VifSlots.overflow(i.ipv6());
            }
        }
        return n;
    }

    private void vifs(Map<String, String> k) {
        Map<String, List<String>> v4ByVif = new TreeMap<>();
        Map<String, List<String>> v6ByVif = new TreeMap<>();
        for (InterfaceFact i : interfaces.values()) {
            String id = XenKeys.vifId(i.busNode());
            if (id != null) {
                v4ByVif.computeIfAbsent(id, x -> new ArrayList<>()).addAll(i.ipv4());
                v6ByVif.computeIfAbsent(id, x -> new ArrayList<>()).addAll(i.ipv6());
            }
        }
        v4.keySet().retainAll(v4ByVif.keySet());
        v6.keySet().retainAll(v6ByVif.keySet());
        for (String id : v4ByVif.keySet()) {
            String p = XenKeys.VIF + "/" + id;
            k.put(p, "");
            put(k, p + "/ipv4/", v4.computeIfAbsent(id, x -> new VifSlots()).assign(v4ByVif.get(id)));
            put(k, p + "/ipv6/", v6.computeIfAbsent(id, x -> new VifSlots()).assign(v6ByVif.get(id)));
        }
    }

    private static void put(Map<String, String> k, String prefix, List<String> slots) {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) != null) {
                k.put(prefix + i, slots.get(i));
            }
        }
    }
}
