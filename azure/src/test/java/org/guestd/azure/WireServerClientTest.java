// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.guestd.host.azure.AzureHostEmulator.Route;
import org.guestd.host.azure.AzureHostEmulator;
import org.guestd.host.azure.Fault;
import org.guestd.host.azure.HealthReport;
import org.guestd.host.azure.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WireServerClientTest {
    private AzureHostEmulator emu;
    private final TestTime time = new TestTime();
    private final RecordingLog log = new RecordingLog();
    private WireServerClient client;

    @BeforeEach
    void start() throws Exception {
        emu = EmulatorFixture.start();
        Retry retry = new Retry(time, time, log);
        client = new WireServerClient(emu.wireServerUri(), "guestd/test", retry,
                new Retry.Policy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
                new Retry.Policy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofMillis(700));
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void readyOverTheJsonEndpoint() throws Exception {
        assertEquals("json /provisioning/health", client.reportReady());
        List<HealthReport> h = emu.healthReports();
        assertEquals(1, h.size());
        assertEquals("json", h.get(0).kind());
        assertEquals("Ready", h.get(0).state());
        assertNull(h.get(0).subStatus());
        assertEquals("guestd/test", h.get(0).agentName());
        RecordedRequest r = emu.requests().get(0);
        assertEquals("{\"state\":\"Ready\"}", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", r.headers().get("content-type"));
    }

    @Test
    void notReadyCarriesTheReasonCutTo512() throws Exception {
        String reason = "ssh-keys: key <1> \"bad\" " + "x".repeat(600);
        client.reportNotReady(reason);
        HealthReport h = emu.healthReports().get(0);
        assertEquals("NotReady", h.state());
        assertEquals("ProvisioningFailed", h.subStatus());
        assertEquals(512, h.description().length());
        assertTrue(h.description().startsWith("ssh-keys: key <1> \"bad\" xxx"), h.description());
    }

    @Test
    void fallsBackToGoalStateAndHealthXmlWhenTheJsonEndpointIsMissing() throws Exception {
        emu.jsonHealth(false);
        assertEquals("xml /machine?comp=health", client.reportNotReady("user: useradd failed"));
        HealthReport h = emu.healthReports().get(0);
        assertEquals("xml", h.kind());
        assertEquals("NotReady", h.state());
        assertEquals("ProvisioningFailed", h.subStatus());
        assertEquals("user: useradd failed", h.description());
        List<RecordedRequest> rs = emu.requests();
        assertEquals(List.of("/provisioning/health", "/machine/?comp=goalstate", "/machine?comp=health"),
                rs.stream().map(RecordedRequest::target).toList());
        assertEquals(404, rs.get(0).status());
        assertEquals("2012-11-30", rs.get(1).headers().get("x-ms-version"));
        assertEquals("text/xml; charset=utf-8", rs.get(2).headers().get("content-type"));
        assertEquals(1, log.warn.size(), "the 404 is final for the JSON endpoint: " + log.warn);
    }

    @Test
    void fallsBackWhenTheJsonEndpointKeepsFailing() throws Exception {
        Fault[] f = new Fault[50];
        Arrays.fill(f, new Fault.Status(503));
        emu.script(Route.HEALTH_JSON, f);
        assertEquals("xml /machine?comp=health", client.reportReady());
        assertEquals("xml", emu.healthReports().get(0).kind());
        assertEquals("Ready", emu.healthReports().get(0).state());
    }

    @Test
    void classicPathRetriesBadGoalStatesAndHealthPosts() throws Exception {
        emu.jsonHealth(false);
        emu.script(Route.GOAL_STATE, new Fault.Malformed(), new Fault.Status(429), new Fault.Huge(10L * 1024 * 1024));
        emu.script(Route.HEALTH_XML, new Fault.Status(500), new Fault.Hang(Duration.ofSeconds(5)));
        assertEquals("xml /machine?comp=health", client.reportReady());
        assertEquals(1, emu.healthReports().size());
        long goalStates = emu.requests().stream().filter(r -> r.target().contains("goalstate")).count();
        assertEquals(6, goalStates, "3 bad goal states, then one per health attempt (500, hang, ok)");
    }

    @Test
    void anUnreachableWireServerGivesUpWithinTheLimitAndLogsOncePerBurst() throws Exception {
        URI dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        EmulatorFixture.assertLoopback(dead);
        WireServerClient c = new WireServerClient(dead, "guestd/test", new Retry(time, time, log),
                new Retry.Policy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
                new Retry.Policy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofMillis(700));
        Retry.GaveUp g = assertThrows(Retry.GaveUp.class, c::reportReady);
        assertTrue(g.getMessage().contains("cannot connect"), g.getMessage());
        assertEquals(4, log.warn.size(), "first failure + outcome, per endpoint: " + log.warn);
        assertTrue(time.sleeps.size() > 10, "attempts are paced by the backoff, not a tight loop");
        assertTrue(time.sleeps.stream().allMatch(d -> d.toMillis() >= 100));
    }
}
