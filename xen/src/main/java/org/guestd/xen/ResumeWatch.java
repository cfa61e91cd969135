// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.guestd.xen.client.XenstoreClient;
import org.guestd.xen.keys.XenKeys;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a resume or a migration from the store's side. After a suspend, the Linux xenbus driver
 * registers every watch again (its {@code xs_resume}), user space's included, and xenstored fires
 * each once: so a watch on {@code unique-domain-id} fires after every resume, and whenever XAPI gives
 * the domain a new id (a migration, a restore). On each event after the first of a connection (the
 * registration's own) it reads:
 * <ol>
 * <li>{@code unique-domain-id}: changed → migrated or restored (XAPI; xe-guest-utilities checks the
 *     same key every minute);
 * <li>else {@code data/updated}: not what this agent last wrote → the store lost guestd's keys (libxl
 *     writes no unique-domain-id; {@code xl restore} builds a new domain directory).
 * </ol>
 * Either way the owner is told ({@code resumed}) and republishes everything at once. Loop-confined.
 */
final class ResumeWatch {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");
    static final String UNIQUE_DOMAIN_ID = "unique-domain-id";

    private final XenstoreClient client;
    private final Supplier<String> lastStamp;
    private final Consumer<String> resumed;
    private final Executor loop;
    private boolean baselineKnown;
    private String baseline;
    private boolean checking;
    private boolean again;

    /**
     * @param lastStamp the {@code data/updated} value this agent last wrote, or null
     * @param resumed called on the loop with the reason
     */
    ResumeWatch(XenstoreClient client, Supplier<String> lastStamp, Consumer<String> resumed, Executor loop) {
        this.client = client;
        this.lastStamp = lastStamp;
        this.resumed = resumed;
        this.loop = loop;
    }

    /** Registers the watch (it stays across connections). */
    void start() {
        client.watch(UNIQUE_DOMAIN_ID, path -> fired()).exceptionally(t -> {
            LOG.info("xenstore: cannot watch {} ({}); a migration is noticed by the clock only", UNIQUE_DOMAIN_ID,
                    t.getMessage());
            return null;
        });
    }

    /** A new connection: its first event is the registration's (loop). */
    void connected() {
        baselineKnown = false;
    }

    private void fired() {
        if (checking) {
            again = true;
            return;
        }
        checking = true;
        boolean first = !baselineKnown;
        readOrNull(UNIQUE_DOMAIN_ID).thenCompose(id -> {
            if (first) {
                baseline = id;
                baselineKnown = true;
                return CompletableFuture.completedFuture((String) null);
            }
            if (!Objects.equals(id, baseline)) {
                String was = baseline;
                baseline = id;
                return CompletableFuture.completedFuture(UNIQUE_DOMAIN_ID + " changed from " + was + " to " + id);
            }
            if (lastStamp.get() == null) {
                return CompletableFuture.completedFuture((String) null);
            }
            // compared when the read is answered: a write of data/updated sent before it is answered first
            return readOrNull(XenKeys.UPDATED).thenApply(v -> {
                String stamp = lastStamp.get();
                return stamp == null || stamp.equals(v) ? null
                        : "the store lost guestd's keys (" + XenKeys.UPDATED + (v == null ? " is gone" : " is another's") + ")";
            });
        }).whenComplete((reason, t) -> loop.execute(() -> {
            checking = false;
            if (t != null) {
                LOG.debug("xenstore: resume check failed: {}", t.toString());
            } else if (reason != null) {
                LOG.info("xenstore: a resume or migration: {}", reason);
                resumed.accept(reason);
            }
            if (again) {
                again = false;
                fired();
            }
        }));
    }

    private CompletableFuture<String> readOrNull(String path) {
        return client.readString(path).handle((v, t) -> {
            if (t == null) {
                return v;
            }
            XsException x = XsException.unwrap(t);
            if (x != null && (x.is(XsError.ENOENT) || x.is(XsError.EACCES))) {
                return null;
            }
            throw t instanceof RuntimeException ? (RuntimeException) t : new IllegalStateException(t);
        });
    }
}
