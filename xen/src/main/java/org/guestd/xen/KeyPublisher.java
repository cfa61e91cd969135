// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.guestd.core.env.Clock;
import org.guestd.core.facts.Fact;
import org.guestd.core.facts.FactListener;
import org.guestd.xen.client.XenstoreClient;
import org.guestd.xen.keys.GuestKeys;
import org.guestd.xen.keys.UpdatedStamp;
import org.guestd.xen.keys.XenKeyWriter;
import org.guestd.xen.keys.XenKeys;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps guestd's keys in the store equal to what the facts say ({@link GuestKeys}), through the
 * {@link XenKeyWriter}: a fact change asks for a flush, which runs {@link #FLUSH_DELAY_MILLIS} later
 * (a burst of facts — the first subscription, a snapshot of every interface — becomes one batch),
 * at most one at a time (changes during a flush make one more after it), only while connected.
 * After a batch that changed anything, {@code data/updated} is written, as xe-guest-utilities does.
 *
 * <p>On every connection, and after a resume or migration, it first <em>syncs</em>: the key writer's
 * cache is forgotten (except on the first connection, where it is empty), and the store's
 * {@code attr/vif} and {@code data/volumes} entries — left by an earlier run or another agent — are
 * adopted, so the next batch removes the stale ones; then everything is written.
 *
 * <p>Loop-confined: fact callbacks (on the publisher's threads) hop onto the event loop.
 */
final class KeyPublisher implements FactListener {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");
    /** How long a flush waits for more changes of the same burst. */
    static final long FLUSH_DELAY_MILLIS = 20;
    /** Entries looked at per directory when adopting what an earlier run left. */
    private static final int SCAN_LIMIT = 64;

    private final XenstoreClient client;
    private final XenKeyWriter writer;
    private final GuestKeys keys;
    private final ScheduledExecutorService loop;
    private final Clock clock;
    private final ZoneId zone;

    // loop-confined
    private boolean connected;
    private boolean synced;
    private int syncs;
    private boolean flushing;
    private boolean dirty;
    private ScheduledFuture<?> timer;
    private boolean reportNextBatch = true;
    private boolean overflowLogged;
    private volatile String lastStamp;

    KeyPublisher(XenstoreClient client, XenKeyWriter writer, GuestKeys keys, ScheduledExecutorService loop, Clock clock,
            ZoneId zone) {
        this.client = client;
        this.writer = writer;
        this.keys = keys;
        this.loop = loop;
        this.clock = clock;
        this.zone = zone;
    }

    /** The {@code data/updated} value this agent last wrote and the store confirmed, or null. */
    String lastStamp() {
        return lastStamp;
    }

    @Override
    public void changed(Fact<?> fact) {
        onLoop(() -> {
            if (keys.changed(fact)) {
                request();
            }
        });
    }

    @Override
    public void withdrawn(Fact.Id id) {
        onLoop(() -> {
            if (keys.withdrawn(id)) {
                request();
            }
        });
    }

    /** A connection is up (loop). */
    void connected(int generation) {
        connected = true;
        sync(generation > 1, generation > 1 ? "the channel was reopened" : null);
    }

    /** The connection was lost (loop). */
    void disconnected() {
        connected = false;
        synced = false;
    }

    /** A resume or migration: every key is written again, on this connection (loop). */
    void resumed(String why) {
        sync(true, why);
    }

    private void sync(boolean forget, String why) {
        synced = false;
        int n = ++syncs;
        if (forget) {
            writer.forget();
            keys.forgetExtents();
            keys.refreshMemory();
            lastStamp = null;
        }
        reportNextBatch = true;
        if (why != null) {
            LOG.info("xenstore: {}; writing every key again", why);
        }
        scan().whenComplete((found, t) -> onLoop(() -> {
            if (n != syncs || !connected) {
                return; // superseded, or the channel went away meanwhile: the next connection syncs again
            }
            if (t != null) {
                LOG.debug("xenstore: looking for stale entries failed: {}", t.toString());
            } else {
                writer.adopt(found);
            }
            synced = true;
            request();
        }));
    }

    /** Asks for a flush soon. */
    private void request() {
        dirty = true;
        if (!connected || !synced || flushing || timer != null) {
            return;
        }
        try {
            timer = loop.schedule(this::flush, FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void flush() {
        timer = null;
        if (!connected || !synced || flushing) {
            return;
        }
        flushing = true;
        dirty = false;
        int n = syncs;
        resolveExtents().thenCompose(v -> {
            CompletableFuture<XenKeyWriter.Result> r = new CompletableFuture<>();
            onLoop(() -> writer.apply(keys.desired()).whenComplete((res, t) -> r.complete(res)));
            return r;
        }).whenComplete((r, t) -> onLoop(() -> {
            flushing = false;
            if (r != null) {
                done(r, n);
            }
            if (dirty) {
                request();
            }
        }));
    }

    private void done(XenKeyWriter.Result r, int n) {
        if (reportNextBatch || !r.refused().isEmpty() || !r.failed().isEmpty()) {
            LOG.info("xenstore keys: {} written, {} removed{}{}", r.written().size(), r.removed().size(),
                    r.refused().isEmpty() ? "" : ", refused " + r.refused(), r.failed().isEmpty() ? "" : ", failed " + r.failed());
            reportNextBatch = false;
        } else {
            LOG.debug("xenstore keys: written {}, removed {}", r.written(), r.removed());
        }
        if (!overflowLogged && keys.overflowingAddresses() > 0) {
            overflowLogged = true;
            LOG.info("xenstore: {} addresses beyond 10 per vif and family are not published", keys.overflowingAddresses());
        }
        // keys that failed (not refused) are not in the writer's cache: the next batch, which only a
        // change starts, tries them again; no timer of their own, so a failing store sees no retry storm
        if (r.changedAnything() && n == syncs) {
            String stamp = UpdatedStamp.of(ZonedDateTime.ofInstant(Instant.ofEpochSecond(0, clock.realtimeNanos()), zone));
            client.write(XenKeys.UPDATED, stamp).whenComplete((ok, t) -> {
                if (t == null) {
                    lastStamp = stamp;
                } else {
                    LOG.debug("xenstore: writing {} failed: {}", XenKeys.UPDATED, t.toString());
                }
            });
        }
    }

    /** Looks up the backend's name of every vbd a volume is on: {@code <vbd>/backend}, then {@code <backend>/dev}. */
    private CompletableFuture<Void> resolveExtents() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String vbd : keys.unresolvedVbds()) {
            CompletableFuture<Void> one = client.readString(vbd + "/backend")
                    .thenCompose(backend -> client.readString(backend + "/dev"))
                    .handle((dev, t) -> {
                        String extent = t == null ? dev : "";
                        onLoop(() -> keys.setExtent(vbd, extent));
                        if (t != null) {
                            LOG.debug("xenstore: no backend name for {}: {}", vbd, t.toString());
                        }
                        return null;
                    });
            all.add(one);
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** What an earlier run left under attr/vif and data/volumes, by key (values unknown). */
    private CompletableFuture<Map<String, String>> scan() {
        Map<String, String> found = new HashMap<>();
        CompletableFuture<Void> vifs = list(XenKeys.VIF).thenCompose(ids -> {
            List<CompletableFuture<Void>> each = new ArrayList<>();
            for (String id : ids) {
                String p = XenKeys.VIF + "/" + id;
                put(found, p);
                for (String family : List.of("ipv4", "ipv6")) {
                    each.add(list(p + "/" + family).thenAccept(ns -> ns.forEach(i -> put(found, p + "/" + family + "/" + i))));
                }
            }
            return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]));
        });
        CompletableFuture<Void> volumes = list(XenKeys.VOLUMES)
                .thenAccept(is -> is.forEach(i -> put(found, XenKeys.VOLUMES + "/" + i)));
        return CompletableFuture.allOf(vifs, volumes).thenApply(v -> {
            synchronized (found) {
                return new HashMap<>(found);
            }
        });
    }

    private static void put(Map<String, String> found, String key) {
        synchronized (found) {
            found.put(key, null);
        }
    }

    /** A directory's children (at most {@link #SCAN_LIMIT}, valid names only); none when it is absent or unreadable. */
    private CompletableFuture<List<String>> list(String path) {
        return client.directory(path).handle((names, t) -> {
            if (t != null) {
                XsException x = XsException.unwrap(t);
                if (x != null && (x.is(XsError.ENOENT) || x.is(XsError.EACCES))) {
                    return List.of();
                }
                throw t instanceof RuntimeException ? (RuntimeException) t : new IllegalStateException(t);
            }
            List<String> ok = new ArrayList<>();
            for (String n : names) {
                if (ok.size() < SCAN_LIMIT && n.matches("[A-Za-z0-9_-]{1,64}")) {
                    ok.add(n);
                }
            }
            return ok;
        });
    }

    private void onLoop(Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }
}
