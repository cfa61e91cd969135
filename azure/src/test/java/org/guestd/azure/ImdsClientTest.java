// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.guestd.host.azure.AzureHostEmulator.Route;
import org.guestd.host.azure.AzureHostEmulator;
import org.guestd.host.azure.Fault;
import org.guestd.host.azure.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImdsClientTest {
    private AzureHostEmulator emu;
    private final TestTime time = new TestTime();
    private final RecordingLog log = new RecordingLog();
    private ImdsClient client;

    @BeforeEach
    void start() throws Exception {
        emu = EmulatorFixture.start();
        client = new ImdsClient(emu.imdsUri(), "2021-02-01", "guestd/test", new Retry(time, time, log),
                new Retry.Policy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofMillis(700));
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void readsTheInstanceWithTheRequiredHeaderAndVersion() throws Exception {
        InstanceMetadata m = client.fetch();
        assertEquals(EmulatorFixture.VM_ID, m.vmId());
        assertEquals("vm-imds-01", m.computerName());
        assertEquals("azureuser", m.adminUsername());
        assertEquals(Boolean.TRUE, m.disablePasswordAuthentication());
        assertEquals(List.of(new InstanceMetadata.Key(EmulatorFixture.KEY, "/home/azureuser/.ssh/authorized_keys")),
                m.publicKeys());
        RecordedRequest r = emu.requests().get(0);
        assertEquals("GET", r.method());
        assertEquals("/metadata/instance?api-version=2021-02-01", r.target());
        assertEquals("true", r.headers().get("metadata"));
        assertEquals(200, r.status());
        assertTrue(log.warn.isEmpty());
    }

    @Test
    void oneBadAnswerThenOk() throws Exception {
        for (Fault f : List.of(new Fault.Status(404), new Fault.Status(410), new Fault.Status(429), new Fault.Status(500),
                new Fault.Status(503), new Fault.Malformed(), new Fault.Drop(), new Fault.Hang(Duration.ofSeconds(5)),
                new Fault.Huge(100L * 1024 * 1024))) {
            int before = emu.requests().size();
            emu.script(Route.IMDS, f);
            long t0 = System.nanoTime();
            assertEquals(EmulatorFixture.VM_ID, client.fetch().vmId(), f.toString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(before + 2, emu.requests().size(), "one retry after " + f);
            assertTrue(ms < 4000, f + " took " + ms + " ms");
        }
        assertEquals(9, log.warn.size(), "one warning per burst: " + log.warn);
        assertTrue(log.warn.get(7).contains("timed out"), log.warn.get(7));
        assertTrue(log.warn.get(8).contains("over the limit"), log.warn.get(8));
    }

    @Test
    void aSlowAnswerWithinTheTimeoutIsNoFailure() throws Exception {
        emu.script(Route.IMDS, new Fault.Slow(Duration.ofMillis(300)));
        assertEquals(EmulatorFixture.VM_ID, client.fetch().vmId());
        assertEquals(1, emu.requests().size());
    }

    @Test
    void aClientErrorIsNotRetried() {
        emu.script(Route.IMDS, new Fault.Status(403));
        Retry.GaveUp g = assertThrows(Retry.GaveUp.class, client::fetch);
        assertTrue(g.getMessage().contains("HTTP 403"), g.getMessage());
        assertEquals(1, emu.requests().size());
    }

    @Test
    void keepsFailingUntilTheTotalLimit() {
        Fault[] many = new Fault[100];
        Arrays.fill(many, new Fault.Status(500));
        emu.script(Route.IMDS, many);
        Retry.GaveUp g = assertThrows(Retry.GaveUp.class, client::fetch);
        assertTrue(g.getMessage().contains("HTTP 500"), g.getMessage());
        long slept = time.sleeps.stream().mapToLong(Duration::toMillis).sum();
        assertTrue(slept < 30_000 && slept > 25_000, "slept " + slept + " ms in fake time");
        assertEquals(2, log.warn.size(), log.warn.toString());
    }
}
