// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.azure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Azure host side a provisioning agent talks to, on loopback only: IMDS ({@code GET
 * /metadata/instance}) and the wire server ({@code GET /?comp=versions}, {@code GET
 * /machine/?comp=goalstate}, {@code POST /machine?comp=health} with the Health XML, {@code POST
 * /provisioning/health} with JSON). Written from the protocol notes in
 * {@code shared/reference/landscape-2026.md} §3, independently of the {@code azure} module. It checks
 * requests as the real endpoints do (IMDS wants {@code Metadata: true} and an api-version and
 * refuses forwarded requests; the classic endpoints want {@code x-ms-version}; a Health XML must
 * name the goal state's incarnation, container and instance), records every request and every
 * accepted health report, and plays scripted {@link Fault}s per {@link Route}.
 */
public final class AzureHostEmulator implements AutoCloseable {
    /** The emulated endpoints a fault can be scripted for. */
    public enum Route { IMDS, HEALTH_JSON, GOAL_STATE, HEALTH_XML }

    /** The VM as IMDS describes it. */
    public record Instance(String vmId, String computerName, String adminUsername,
            boolean disablePasswordAuthentication, List<Key> publicKeys) {
        public Instance {
            publicKeys = List.copyOf(publicKeys);
        }
    }

    /** An SSH key in IMDS. */
    public record Key(String keyData, String path) {}

    /** The goal state's identifiers. */
    public record Ids(String incarnation, String containerId, String instanceId) {}

    private final HttpServer imds;
    private final HttpServer wire;
    private final ExecutorService pool;
    private final Ids ids;
    private final Object lock = new Object();
    private final Map<Route, Deque<Fault>> script = new EnumMap<>(Route.class);
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<HealthReport> reports = new ArrayList<>();
    private volatile Instance instance;
    private volatile boolean jsonHealth = true;

    private AzureHostEmulator(Instance instance, Ids ids, int imdsPort, int wirePort) throws IOException {
        this.instance = instance;
        this.ids = ids;
        InetAddress lo = InetAddress.getLoopbackAddress();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "azure-emulator");
            t.setDaemon(true);
            return t;
        });
        this.imds = HttpServer.create(new InetSocketAddress(lo, imdsPort), 16);
        this.wire = HttpServer.create(new InetSocketAddress(lo, wirePort), 16);
        imds.createContext("/", ex -> handle("imds", ex));
        wire.createContext("/", ex -> handle("wire", ex));
        imds.setExecutor(pool);
        wire.setExecutor(pool);
        imds.start();
        wire.start();
    }

    /** Starts both endpoints on free loopback ports. */
    public static AzureHostEmulator start(Instance instance, Ids ids) throws IOException {
        return new AzureHostEmulator(instance, ids, 0, 0);
    }

    /** The IMDS base URI ({@code http://127.0.0.1:PORT}). */
    public URI imdsUri() {
        return URI.create("http://127.0.0.1:" + imds.getAddress().getPort());
    }

    /** The wire server base URI. */
    public URI wireServerUri() {
        return URI.create("http://127.0.0.1:" + wire.getAddress().getPort());
    }

    /** Queues faults for the next requests of {@code route}. */
    public void script(Route route, Fault... faults) {
        synchronized (lock) {
            script.computeIfAbsent(route, r -> new ArrayDeque<>()).addAll(List.of(faults));
        }
    }

    /** Whether {@code POST /provisioning/health} exists (false: 404, as an older wire server). */
    public void jsonHealth(boolean supported) {
        this.jsonHealth = supported;
    }

    /** Replaces the VM description (a "new VM from the same image"). */
    public void instance(Instance i) {
        this.instance = i;
    }

    /** Every request so far. */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** Every accepted health report so far. */
    public List<HealthReport> healthReports() {
        synchronized (lock) {
            return List.copyOf(reports);
        }
    }

    /** Waits until at least {@code n} health reports arrived; returns them (possibly fewer on timeout). */
    public List<HealthReport> awaitHealthReports(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (reports.size() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return List.copyOf(reports);
        }
    }

    private void handle(String endpoint, HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        byte[] body = ex.getRequestBody().readNBytes(1024 * 1024);
        Map<String, String> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
        String target = ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        Route route = route(endpoint, ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getQuery());
        Fault fault = null;
        if (route != null) {
            synchronized (lock) {
                Deque<Fault> q = script.get(route);
                fault = q == null ? null : q.poll();
            }
        }
        try {
            if (fault instanceof Fault.Hang h) {
                record(endpoint, ex, target, headers, body, 0, at);
                sleep(h.max());
            } else if (fault instanceof Fault.Drop) {
                record(endpoint, ex, target, headers, body, 0, at);
            } else if (fault instanceof Fault.Huge hg) {
                record(endpoint, ex, target, headers, body, 200, at);
                streamHuge(ex, hg.bytes());
            } else {
                if (fault instanceof Fault.Slow s) {
                    sleep(s.delay());
                }
                Answer a;
                if (fault instanceof Fault.Status st) {
                    a = new Answer(st.code(), "text/plain", ("emulated HTTP " + st.code()).getBytes(StandardCharsets.UTF_8));
                } else if (fault instanceof Fault.Malformed) {
                    a = new Answer(200, route == Route.IMDS ? "application/json" : "text/xml",
                            EmulatedDocuments.malformed(route));
                } else {
                    a = answer(endpoint, route, ex, headers, body, at);
                }
                // recorded before the answer leaves: a client that has its answer finds its request here
                record(endpoint, ex, target, headers, body, a.status(), at);
                send(ex, a);
            }
        } finally {
            ex.close();
        }
    }

    /** A response to send. */
    private record Answer(int status, String type, byte[] body) {}

    private void record(String endpoint, HttpExchange ex, String target, Map<String, String> headers, byte[] body,
            int status, long at) {
        synchronized (lock) {
            requests.add(new RecordedRequest(endpoint, ex.getRequestMethod(), target, headers, body, status, at));
        }
    }

    private static Route route(String endpoint, String method, String path, String query) {
        if (endpoint.equals("imds")) {
            return path.equals("/metadata/instance") ? Route.IMDS : null;
        }
        String q = query == null ? "" : query;
        if (path.equals("/provisioning/health")) {
            return Route.HEALTH_JSON;
        }
        if (path.equals("/machine") || path.equals("/machine/")) {
            if (q.contains("comp=goalstate")) {
                return Route.GOAL_STATE;
            }
            if (q.contains("comp=health")) {
                return Route.HEALTH_XML;
            }
        }
        return null;
    }

    private Answer answer(String endpoint, Route route, HttpExchange ex, Map<String, String> h, byte[] body, long at) {
        String method = ex.getRequestMethod();
        String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
        if (route == null) {
            if (endpoint.equals("wire") && ex.getRequestURI().getPath().equals("/") && query.contains("comp=versions")) {
                return new Answer(200, "text/xml", EmulatedDocuments.versions());
            }
            return new Answer(404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
        }
        switch (route) {
            case IMDS -> {
                if (!method.equals("GET")) {
                    return new Answer(405, "application/json", EmulatedDocuments.err("method not allowed"));
                }
                if (!"true".equalsIgnoreCase(h.get("metadata"))) {
                    return new Answer(400, "application/json",
                            EmulatedDocuments.err("Bad request. Required metadata header not specified"));
                }
                if (h.containsKey("x-forwarded-for")) {
                    return new Answer(400, "application/json", EmulatedDocuments.err("Bad request. Request must not be forwarded"));
                }
                if (!query.contains("api-version=")) {
                    return new Answer(400, "application/json", EmulatedDocuments.err("Bad request. api-version was not specified"));
                }
                return new Answer(200, "application/json; charset=utf-8", EmulatedDocuments.instanceJson(instance));
            }
            case GOAL_STATE -> {
                if (!method.equals("GET") || !h.containsKey("x-ms-version")) {
                    return new Answer(400, "text/plain", "x-ms-version required".getBytes(StandardCharsets.UTF_8));
                }
                return new Answer(200, "text/xml; charset=utf-8", EmulatedDocuments.goalState(ids));
            }
            case HEALTH_XML -> {
                if (!method.equals("POST") || !h.containsKey("x-ms-version")) {
                    return new Answer(400, "text/plain", "x-ms-version required".getBytes(StandardCharsets.UTF_8));
                }
                HealthReport r = EmulatedDocuments.parseHealthXml(body, ids, h.get("x-ms-agent-name"), at);
                if (r == null) {
                    return new Answer(400, "text/plain", "bad Health XML".getBytes(StandardCharsets.UTF_8));
                }
                accept(r);
                return new Answer(200, "text/plain", new byte[0]);
            }
            case HEALTH_JSON -> {
                if (!jsonHealth) {
                    return new Answer(404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                }
                HealthReport r = method.equals("POST")
                        ? EmulatedDocuments.parseHealthJson(body, h.get("x-ms-guest-agent-name"), at) : null;
                if (r == null) {
                    return new Answer(400, "application/json", EmulatedDocuments.err("bad health report"));
                }
                accept(r);
                return new Answer(200, "application/json", new byte[0]);
            }
            default -> throw new IllegalStateException();
        }
    }

    private void accept(HealthReport r) {
        synchronized (lock) {
            reports.add(r);
            lock.notifyAll();
        }
    }

    private static void send(HttpExchange ex, Answer a) throws IOException {
        ex.getResponseHeaders().set("Content-Type", a.type());
        ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
        if (a.body().length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(a.body());
            }
        }
    }

    private static void streamHuge(HttpExchange ex, long bytes) {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) ' ');
        block[0] = '{';
        try {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);
            OutputStream os = ex.getResponseBody();
            for (long sent = 0; sent < bytes; sent += block.length) {
                os.write(block, 0, (int) Math.min(block.length, bytes - sent));
                block[0] = ' ';
            }
            os.close();
        } catch (IOException e) {
            // the client stopped reading: what a size cap does
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        imds.stop(0);
        wire.stop(0);
        pool.shutdownNow();
    }
}
