// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.guestd.core.testing.TestContext;
import org.junit.jupiter.api.Test;

/** The publisher port: changed → pushed, unchanged → not, removed → withdrawn; reads only while listened to. */
class FactPublisherTest {
    /** A test channel: records what it was told, as "changed kind/instance=value" and "withdrawn kind/instance". */
    static final class Channel implements FactListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public synchronized void changed(Fact<?> f) {
            seen.add("changed " + f.kind() + "/" + f.instance() + "=" + f.value());
        }

        @Override
        public synchronized void withdrawn(Fact.Id id) {
            seen.add("withdrawn " + id.kind() + "/" + id.instance());
        }

        synchronized List<String> take() {
            List<String> out = List.copyOf(seen);
            seen.clear();
            return out;
        }
    }

    private static InterfaceFact eth(String name, String... v4) {
        return new InterfaceFact(name, "52:54:00:00:00:01", null, List.of(v4), List.of());
    }

    @Test
    void changedIsPushedUnchangedIsNotRemovedIsWithdrawn() throws Exception {
        FactPublisher p = new FactPublisher();
        Map<String, InterfaceFact> now = new LinkedHashMap<>();
        now.put("eth0", eth("eth0", "10.0.0.2"));
        now.put("eth1", eth("eth1"));
        p.addSource(FactKind.INTERFACE, Duration.ZERO, () -> new LinkedHashMap<>(now));
        Channel ch = new Channel();
        p.subscribe(ch);
        p.refresh(FactKind.INTERFACE); // before start: read inline
        assertEquals(List.of("changed interface/eth0=" + eth("eth0", "10.0.0.2"), "changed interface/eth1=" + eth("eth1")),
                ch.take());

        p.refresh(FactKind.INTERFACE);
        assertEquals(List.of(), ch.take(), "unchanged: nothing pushed");

        now.put("eth0", eth("eth0", "10.0.0.3"));
        p.refresh(FactKind.INTERFACE);
        assertEquals(List.of("changed interface/eth0=" + eth("eth0", "10.0.0.3")), ch.take());

        now.remove("eth1");
        p.refresh(FactKind.INTERFACE);
        assertEquals(List.of("withdrawn interface/eth1"), ch.take());
        assertEquals(1, p.current().size());
    }

    @Test
    void putAndRemoveOfSingleInstances() {
        FactPublisher p = new FactPublisher();
        Channel ch = new Channel();
        p.subscribe(ch);
        p.put(FactKind.PROVISIONING, FactKind.SINGLE, new ProvisioningFact("provisioning", null));
        p.put(FactKind.PROVISIONING, FactKind.SINGLE, new ProvisioningFact("provisioning", null));
        p.put(FactKind.PROVISIONING, FactKind.SINGLE, new ProvisioningFact("ready", null));
        p.remove(FactKind.PROVISIONING, FactKind.SINGLE);
        p.remove(FactKind.PROVISIONING, FactKind.SINGLE);
        assertEquals(List.of("changed provisioning/=ProvisioningFact[state=provisioning, detail=null]",
                "changed provisioning/=ProvisioningFact[state=ready, detail=null]", "withdrawn provisioning/"), ch.take());
        assertNull(p.get(FactKind.PROVISIONING, FactKind.SINGLE));
    }

    @Test
    void aLateSubscriberIsSentEveryCurrentFactFirst() {
        FactPublisher p = new FactPublisher();
        p.put(FactKind.AGENT, FactKind.SINGLE, new AgentFact("guestd", "1.2.3"));
        p.put(FactKind.HOST_NAME, FactKind.SINGLE, new HostNameFact("vm1"));
        Channel ch = new Channel();
        p.subscribe(ch);
        assertEquals(List.of("changed agent/=AgentFact[name=guestd, version=1.2.3]",
                "changed host-name/=HostNameFact[hostName=vm1]"), ch.take());
    }

    @Test
    void aFailingSourceKeepsTheLastFactsAndAFailingListenerDoesNotStopOthers() throws Exception {
        FactPublisher p = new FactPublisher();
        AtomicInteger reads = new AtomicInteger();
        p.addSource(FactKind.HOST_NAME, Duration.ZERO, FactSource.single(() -> {
            if (reads.incrementAndGet() > 1) {
                throw new IllegalStateException("transient");
            }
            return new HostNameFact("vm1");
        }));
        p.subscribe(new FactListener() {
            @Override
            public void changed(Fact<?> f) {
                throw new IllegalStateException("broken channel");
            }

            @Override
            public void withdrawn(Fact.Id id) {}
        });
        Channel ch = new Channel();
        p.subscribe(ch);
        p.refresh(FactKind.HOST_NAME);
        p.refresh(FactKind.HOST_NAME);
        assertEquals(List.of("changed host-name/=HostNameFact[hostName=vm1]"), ch.take());
        assertEquals(new HostNameFact("vm1"), p.get(FactKind.HOST_NAME, FactKind.SINGLE));
    }

    @Test
    void sourcesAreReadPeriodicallyOnlyOnceSomeoneListens() throws Exception {
        FactPublisher p = new FactPublisher();
        AtomicInteger reads = new AtomicInteger();
        p.addSource(FactKind.MEMORY, Duration.ofSeconds(10),
                FactSource.single(() -> MemoryFact.basic(100, 10, reads.incrementAndGet())));
        TestContext ctx = new TestContext("facts").recordPeriodic();
        p.start(ctx);
        assertEquals(0, ctx.periodic.size(), "no listener: no timer");
        assertEquals(0, reads.get());
        Channel ch = new Channel();
        p.subscribe(ch);
        assertEquals(1, ctx.periodic.size());
        assertEquals(Duration.ofSeconds(10), ctx.periodic.get(0).period);
        assertEquals(1, reads.get(), "read once when the first listener came");
        ctx.periodic.get(0).run();
        assertEquals(List.of("changed memory/=" + MemoryFact.basic(100, 10, 1),
                "changed memory/=" + MemoryFact.basic(100, 10, 2)), ch.take());
        p.subscribe(new Channel());
        assertEquals(1, ctx.periodic.size(), "scheduled once");
    }

    @Test
    void oneSourcePerKindAndTypedValues() {
        FactPublisher p = new FactPublisher();
        p.addSource(FactKind.OS, Duration.ZERO, FactSource.single(() -> null));
        assertThrows(IllegalStateException.class, () -> p.addSource(FactKind.OS, Duration.ZERO, Map::of));
        @SuppressWarnings({"unchecked", "rawtypes"})
        FactKind<Object> wrong = (FactKind) FactKind.OS;
        assertThrows(IllegalArgumentException.class, () -> p.put(wrong, FactKind.SINGLE, "not an OsFact"));
    }
}
