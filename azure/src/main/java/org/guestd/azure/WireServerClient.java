// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.json.Json;
import org.guestd.provisioning.Provisioner;

/**
 * Reports provisioning health to the wire server. First the JSON endpoint azure-init uses ({@code
 * POST /provisioning/health}, {@code {"state":"Ready"}} or {@code NotReady} with {@code
 * ProvisioningFailed} and a description); when that endpoint is missing (a 4xx) or keeps failing
 * for its share of the time, the classic path WALinuxAgent and cloud-init use: {@code GET
 * /machine/?comp=goalstate} ({@code x-ms-version: 2012-11-30}) and {@code POST /machine?comp=health}
 * with the Health XML carrying the goal state's incarnation, container id and instance id. 429,
 * 5xx, timeouts and malformed goal states are retried with backoff within the total limits.
 */
public final class WireServerClient {
    /** The protocol version the classic endpoints are spoken in. */
    public static final String X_MS_VERSION = "2012-11-30";
    /** The substatus of a failed provisioning. */
    public static final String PROVISIONING_FAILED = "ProvisioningFailed";

    private final URI base;
    private final String agent;
    private final Retry retry;
    private final Retry.Policy jsonPolicy;
    private final Retry.Policy classicPolicy;
    private final Duration requestTimeout;

    /**
     * @param base the wire server, {@code http://168.63.129.16} in Azure
     * @param agent this agent's name and version ("guestd/0.1.0"), sent as the agent-name headers
     * @param jsonPolicy retries of the JSON endpoint before falling back
     * @param classicPolicy retries of the classic path
     */
    public WireServerClient(URI base, String agent, Retry retry, Retry.Policy jsonPolicy, Retry.Policy classicPolicy,
            Duration requestTimeout) {
        this.base = base;
        this.agent = agent;
        this.retry = retry;
        this.jsonPolicy = jsonPolicy;
        this.classicPolicy = classicPolicy;
        this.requestTimeout = requestTimeout;
    }

    /** Reports Ready; returns how it was delivered. */
    public String reportReady() throws Retry.GaveUp, InterruptedException {
        return report("Ready", null, null);
    }

    /** Reports NotReady / ProvisioningFailed with {@code description} (cut to 512 characters). */
    public String reportNotReady(String description) throws Retry.GaveUp, InterruptedException {
        return report("NotReady", PROVISIONING_FAILED, cap(description));
    }

    private String report(String state, String subStatus, String description) throws Retry.GaveUp, InterruptedException {
        String jsonFailure;
        try {
            return json(state, subStatus, description);
        } catch (Retry.GaveUp e) {
            jsonFailure = e.getMessage();
        }
        try {
            return classic(state, subStatus, description);
        } catch (Retry.GaveUp e) {
            throw new Retry.GaveUp("health report " + state + " failed: " + jsonFailure + "; then " + e.getMessage(),
                    e.attempts(), e.getCause());
        }
    }

    private String json(String state, String subStatus, String description) throws Retry.GaveUp, InterruptedException {
        URI url = base.resolve("/provisioning/health");
        StringBuilder body = new StringBuilder("{\"state\":");
        Json.writeString(state, body);
        if (subStatus != null) {
            body.append(",\"details\":{\"subStatus\":");
            Json.writeString(subStatus, body);
            body.append(",\"description\":");
            Json.writeString(description == null ? "" : description, body);
            body.append('}');
        }
        body.append('}');
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("x-ms-guest-agent-name", agent);
        h.put("User-Agent", agent);
        retry.run("wire server POST /provisioning/health " + state, jsonPolicy, remaining -> {
            SimpleHttp.Response r = SimpleHttp.exchange("POST", url, h, bytes, limits(remaining, 64 * 1024));
            check(r, "POST /provisioning/health");
            return r;
        });
        return "json /provisioning/health";
    }

    private String classic(String state, String subStatus, String description) throws Retry.GaveUp, InterruptedException {
        URI goal = base.resolve("/machine/?comp=goalstate");
        URI health = base.resolve("/machine?comp=health");
        retry.run("wire server goal state + Health XML " + state, classicPolicy, remaining -> {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("x-ms-agent-name", agent);
            h.put("x-ms-version", X_MS_VERSION);
            SimpleHttp.Response g = SimpleHttp.exchange("GET", goal, h, null, limits(remaining, GoalState.MAX_BYTES));
            check(g, "GET /machine/?comp=goalstate");
            GoalState gs;
            try {
                gs = GoalState.parse(g.body());
            } catch (XmlException e) {
                throw new HttpFailure(g.status(), e.getMessage());
            }
            Map<String, String> ph = new LinkedHashMap<>(h);
            ph.put("Content-Type", "text/xml; charset=utf-8");
            byte[] xml = gs.healthXml(state, subStatus, description).getBytes(StandardCharsets.UTF_8);
            SimpleHttp.Response r = SimpleHttp.exchange("POST", health, ph, xml, limits(remaining, 64 * 1024));
            check(r, "POST /machine?comp=health");
            return r;
        });
        return "xml /machine?comp=health";
    }

    private SimpleHttp.Limits limits(Duration remaining, int maxBody) {
        Duration t = remaining.compareTo(requestTimeout) < 0 ? remaining : requestTimeout;
        return new SimpleHttp.Limits(t, t, maxBody);
    }

    /** 2xx passes; 429 and 5xx are retried; any other status is final for this endpoint. */
    private static void check(SimpleHttp.Response r, String what) throws HttpFailure, Retry.Fatal {
        if (r.success()) {
            return;
        }
        if (r.status() == 429 || r.status() >= 500) {
            throw new HttpFailure(r.status(), what + ": HTTP " + r.status());
        }
        throw new Retry.Fatal(what + ": HTTP " + r.status() + " " + ImdsClient.snippet(r));
    }

    static String cap(String description) {
        return Provisioner.cap(description);
    }
}
