// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator answers as the real endpoints do, and only on loopback. */
class AzureHostEmulatorTest {
    AzureHostEmulator emu;

    @BeforeEach
    void start() throws Exception {
        emu = AzureHostEmulator.start(new AzureHostEmulator.Instance("vm", "host", "user", true, List.of()),
                new AzureHostEmulator.Ids("5", "cid", "iid"));
        assertTrue(InetAddress.getByName(emu.imdsUri().getHost()).isLoopbackAddress());
        assertTrue(InetAddress.getByName(emu.wireServerUri().getHost()).isLoopbackAddress());
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    record Answer(int status, String body) {}

    static Answer call(URI base, String method, String target, Map<String, String> headers, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) base.resolve(target).toURL().openConnection();
        c.setRequestMethod(method);
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream o = c.getOutputStream()) {
                o.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int s = c.getResponseCode();
        InputStream in = s >= 400 ? c.getErrorStream() : c.getInputStream();
        return new Answer(s, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void imdsWantsTheHeaderAndAVersionAndRefusesForwardedRequests() throws Exception {
        URI i = emu.imdsUri();
        assertEquals(400, call(i, "GET", "/metadata/instance?api-version=2021-02-01", Map.of(), null).status());
        assertEquals(400, call(i, "GET", "/metadata/instance", Map.of("Metadata", "true"), null).status());
        assertEquals(400, call(i, "GET", "/metadata/instance?api-version=2021-02-01",
                Map.of("Metadata", "true", "X-Forwarded-For", "10.0.0.1"), null).status());
        Answer ok = call(i, "GET", "/metadata/instance?api-version=2021-02-01", Map.of("Metadata", "true"), null);
        assertEquals(200, ok.status());
        assertTrue(ok.body().contains("\"vmId\": \"vm\""), ok.body());
        assertTrue(ok.body().contains("\"disablePasswordAuthentication\": \"true\""), ok.body());
        assertEquals(404, call(i, "GET", "/metadata/other", Map.of("Metadata", "true"), null).status());
    }

    @Test
    void classicPathChecksVersionAndIdentifiers() throws Exception {
        URI w = emu.wireServerUri();
        assertEquals(400, call(w, "GET", "/machine/?comp=goalstate", Map.of(), null).status());
        Answer g = call(w, "GET", "/machine/?comp=goalstate", Map.of("x-ms-version", "2012-11-30"), null);
        assertTrue(g.body().contains("<Incarnation>5</Incarnation>") && g.body().contains("<InstanceId>iid</InstanceId>"));
        String health = "<Health><GoalStateIncarnation>%s</GoalStateIncarnation><Container><ContainerId>cid</ContainerId>"
                + "<RoleInstanceList><Role><InstanceId>iid</InstanceId><Health><State>Ready</State></Health></Role>"
                + "</RoleInstanceList></Container></Health>";
        Map<String, String> h = Map.of("x-ms-version", "2012-11-30", "x-ms-agent-name", "t", "Content-Type", "text/xml");
        assertEquals(400, call(w, "POST", "/machine?comp=health", h, String.format(health, "4")).status(), "stale incarnation");
        assertEquals(400, call(w, "POST", "/machine?comp=health", h, "<!DOCTYPE x []>" + String.format(health, "5")).status());
        assertEquals(200, call(w, "POST", "/machine?comp=health", h, String.format(health, "5")).status());
        assertEquals(List.of(new HealthReport("xml", "Ready", null, null, "t", emu.healthReports().get(0).atNanos())),
                emu.healthReports());
        assertTrue(call(w, "GET", "/?comp=versions", Map.of(), null).body().contains("<Version>2012-11-30</Version>"));
    }

    @Test
    void jsonHealthChecksTheStateAndTheDescription() throws Exception {
        URI w = emu.wireServerUri();
        assertEquals(400, call(w, "POST", "/provisioning/health", Map.of(), "{\"state\":\"Maybe\"}").status());
        assertEquals(400, call(w, "POST", "/provisioning/health", Map.of(), "{\"state\":\"NotReady\",\"details\":"
                + "{\"subStatus\":\"ProvisioningFailed\",\"description\":\"" + "x".repeat(513) + "\"}}").status());
        assertEquals(400, call(w, "POST", "/provisioning/health", Map.of(), "not json").status());
        assertTrue(emu.healthReports().isEmpty());
        assertEquals(200, call(w, "POST", "/provisioning/health", Map.of("x-ms-guest-agent-name", "a"),
                "{\"state\":\"NotReady\",\"details\":{\"subStatus\":\"ProvisioningFailed\",\"description\":\"why\"}}").status());
        HealthReport r = emu.healthReports().get(0);
        assertEquals("NotReady/ProvisioningFailed/why/a", r.state() + "/" + r.subStatus() + "/" + r.description() + "/" + r.agentName());
        emu.jsonHealth(false);
        assertEquals(404, call(w, "POST", "/provisioning/health", Map.of(), "{\"state\":\"Ready\"}").status());
    }

    @Test
    void scriptedFaultsAreUsedOnceEachInOrder() throws Exception {
        emu.script(AzureHostEmulator.Route.IMDS, new Fault.Status(429), new Fault.Malformed());
        Map<String, String> md = Map.of("Metadata", "true");
        String t = "/metadata/instance?api-version=1";
        assertEquals(429, call(emu.imdsUri(), "GET", t, md, null).status());
        Answer m = call(emu.imdsUri(), "GET", t, md, null);
        assertEquals(200, m.status());
        assertTrue(m.body().startsWith("{\"compute\": {\"vmId\": \"cut-off"), m.body());
        assertEquals(200, call(emu.imdsUri(), "GET", t, md, null).status());
        assertEquals(List.of(429, 200, 200), emu.requests().stream().map(RecordedRequest::status).toList());
    }
}
