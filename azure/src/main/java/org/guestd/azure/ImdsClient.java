// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Reads the instance metadata from IMDS: {@code GET /metadata/instance?api-version=V} with {@code
 * Metadata: true}. Retried (through {@link Retry}) on connection errors, timeouts, 404, 410, 429,
 * 5xx and on a body that is not the expected JSON (IMDS can answer before it has the VM's data);
 * any other status fails at once.
 */
public final class ImdsClient {
    private final URI url;
    private final String userAgent;
    private final Retry retry;
    private final Retry.Policy policy;
    private final Duration requestTimeout;

    /**
     * @param base the IMDS base, {@code http://169.254.169.254} in Azure
     * @param apiVersion the api-version to ask for
     */
    public ImdsClient(URI base, String apiVersion, String userAgent, Retry retry, Retry.Policy policy,
            Duration requestTimeout) {
        this.url = base.resolve("/metadata/instance?api-version=" + apiVersion);
        this.userAgent = userAgent;
        this.retry = retry;
        this.policy = policy;
        this.requestTimeout = requestTimeout;
    }

    /** The URL asked. */
    public URI url() {
        return url;
    }

    /** Fetches and parses the metadata, retrying within the policy's total time. */
    public InstanceMetadata fetch() throws Retry.GaveUp, InterruptedException {
        return retry.run("IMDS " + url.getPath(), policy, remaining -> {
            Duration t = remaining.compareTo(requestTimeout) < 0 ? remaining : requestTimeout;
            SimpleHttp.Response r = SimpleHttp.exchange("GET", url, Map.of("Metadata", "true", "User-Agent", userAgent),
                    null, new SimpleHttp.Limits(t, t, InstanceMetadata.MAX_BYTES));
            if (!r.success()) {
                int s = r.status();
                if (s == 404 || s == 410 || s == 429 || s >= 500) {
                    throw new HttpFailure(s, "HTTP " + s);
                }
                throw new Retry.Fatal("HTTP " + s + " " + snippet(r));
            }
            try {
                return InstanceMetadata.parse(r.text());
            } catch (IllegalArgumentException e) {
                throw new HttpFailure(r.status(), "unusable metadata: " + e.getMessage());
            }
        });
    }

    static String snippet(SimpleHttp.Response r) {
        String s = new String(r.body(), 0, Math.min(r.body().length, 200), StandardCharsets.UTF_8);
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
