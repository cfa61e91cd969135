// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.keys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.guestd.xen.client.XsOps;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a set of xenstore keys equal to a desired map, writing as little as possible: a key is
 * written only when its value differs from what this writer last wrote, and removed (XS_RM) when it
 * leaves the map. The cache of written keys is the writer's belief about the store; {@link #forget()}
 * drops it (a new connection, a resume on another host: the store may have lost everything), so the
 * next {@link #apply} writes every key again.
 *
 * <p>Keys the guest may not write (EACCES, EPERM, EROFS: {@code control/} is read-only under libxl,
 * a toolstack-owned key) fail softly: one log line per key, and the key is not tried again until its
 * value changes or the cache is forgotten, so a refusal never becomes a retry storm. Other errors
 * leave the key out of the cache; the next apply tries it again.
 *
 * <p>A removal answered ENOENT counts as done: the key is gone (its parent was removed before it).
 *
 * <p>Applies are serialized: one runs at a time, in call order.
 */
public final class XenKeyWriter {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");

    /** What one apply did. */
    public record Result(List<String> written, List<String> removed, List<String> refused, List<String> failed) {
        /** True when anything in the store changed. */
        public boolean changedAnything() {
            return !written.isEmpty() || !removed.isEmpty();
        }
    }

    private final XsOps store;
    /** Key → the value last written, or the value last refused. */
    private final Map<String, String> written = new HashMap<>();
    private final Map<String, String> refused = new HashMap<>();
    private CompletableFuture<Result> last = CompletableFuture.completedFuture(null);

    public XenKeyWriter(XsOps store) {
        this.store = store;
    }

    /**
     * Makes the keys this writer owns equal {@code desired} (relative or absolute paths → values).
     * Completes when every write and removal was answered; never completes exceptionally.
     */
    public synchronized CompletableFuture<Result> apply(Map<String, String> desired) {
        Map<String, String> want = new TreeMap<>(desired);
        last = last.handle((r, t) -> null).thenCompose(ignored -> applyNow(want));
        return last;
    }

    /** Forgets what was written: the next apply writes every key. */
    public synchronized void forget() {
        last = last.handle((r, t) -> null).thenApply(ignored -> {
            synchronized (this) {
                written.clear();
                refused.clear();
            }
            return null;
        });
    }

    /**
     * Takes keys found in the store (left by an earlier run or another agent) as this writer's own:
     * the next apply removes those it does not want and writes the others unless their value is
     * already the wanted one. A null value means "present, value unknown" (written again if wanted).
     * Ordered with the applies, like {@link #forget()}.
     */
    public synchronized void adopt(Map<String, String> existing) {
        Map<String, String> copy = new HashMap<>(existing);
        last = last.handle((r, t) -> null).thenApply(ignored -> {
            synchronized (this) {
                copy.forEach((k, v) -> {
                    if (!written.containsKey(k) && !refused.containsKey(k)) {
                        written.put(k, v);
                    }
                });
            }
            return null;
        });
    }

    /** A snapshot of the keys believed written (null: adopted, value unknown). */
    public synchronized Map<String, String> written() {
        return new TreeMap<>(written);
    }

    private CompletableFuture<Result> applyNow(Map<String, String> want) {
        List<String> wrote = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> refusedNow = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<CompletableFuture<Void>> ops = new ArrayList<>();
        Set<String> stale;
        synchronized (this) {
            for (Map.Entry<String, String> e : want.entrySet()) {
                String key = e.getKey();
                String value = e.getValue();
                if (value.equals(written.get(key)) || value.equals(refused.get(key))) {
                    continue;
                }
                ops.add(store.write(key, value).handle((ok, t) -> {
                    settle(key, value, t, wrote, refusedNow, failed);
                    return null;
                }));
            }
            stale = new TreeSet<>(written.keySet());
            stale.addAll(refused.keySet());
            stale.removeAll(want.keySet());
        }
        for (String key : stale) {
            ops.add(store.rm(key).handle((ok, t) -> {
                settle(key, null, t, removed, refusedNow, failed);
                return null;
            }));
        }
        return CompletableFuture.allOf(ops.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    synchronized (this) {
                        return new Result(List.copyOf(wrote), List.copyOf(removed), List.copyOf(refusedNow),
                                List.copyOf(failed));
                    }
                });
    }

    /** Records the outcome of a write ({@code value} non-null) or a removal of {@code key}. */
    private synchronized void settle(String key, String value, Throwable t, List<String> done, List<String> refusedNow,
            List<String> failed) {
        if (t == null) {
            refused.remove(key);
            if (value != null) {
                written.put(key, value);
            } else {
                written.remove(key);
            }
            done.add(key);
            return;
        }
        XsException x = XsException.unwrap(t);
        XsError e = x == null ? XsError.UNKNOWN : x.error();
        if (value == null && e == XsError.ENOENT) {
            settle(key, null, null, done, refusedNow, failed); // already gone (its parent was removed first)
            return;
        }
        if (e == XsError.EACCES || e == XsError.EPERM || e == XsError.EROFS) {
            written.remove(key);
            if (value != null) {
                refused.put(key, value);
            } else {
                refused.remove(key);
            }
            refusedNow.add(key);
            LOG.info("xenstore key {} is not writable for this guest ({}); not tried again until its value changes",
                    key, e);
        } else {
            written.remove(key);
            failed.add(key);
            LOG.debug("xenstore key {}: {}", key, t.getMessage());
        }
    }
}
