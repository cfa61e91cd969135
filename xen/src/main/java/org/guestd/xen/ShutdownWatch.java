// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.guestd.core.AgentException;
import org.guestd.shutdown.PowerControl;
import org.guestd.shutdown.PowerControl.PowerAction;
import org.guestd.xen.client.XenstoreClient;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code control/shutdown} where the kernel does not answer it, as the kernel's
 * {@code drivers/xen/manage.c} does: on each change, in a transaction, read the value; a known one
 * ({@code poweroff}, {@code reboot}, {@code halt}) is acknowledged by writing "" in the same
 * transaction (the whole transaction again on EAGAIN), then carried out through the shutdown
 * feature; anything else is left as it is (not acknowledged: the toolstack sees no answer), as is
 * {@code control/sysrq}, which stays the kernel's. {@code halt} powers off, as manage.c does: a
 * halted but running domain is what the toolstack waits for in vain.
 *
 * <p>Who answers ({@code [xen] handle-shutdown}): {@code auto} decides once, at the first connection:
 * guestd only when the kernel did not write {@code control/feature-poweroff} = 1 (its handler
 * writes it when it sets up its watch, long before user space starts); {@code yes} always; {@code no}
 * never. Should both answer, the transactions decide: the second to commit conflicts, reads "" and
 * does nothing. guestd never writes the feature flags itself, so its own flag can not mislead a
 * later {@code auto}. Loop-confined.
 */
final class ShutdownWatch {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");
    static final String SHUTDOWN = "control/shutdown";
    static final String FEATURE_POWEROFF = "control/feature-poweroff";

    private final XenstoreClient client;
    private final XenSettings.ShutdownMode mode;
    private final PowerControl power;
    private final Executor blocking;
    private final Executor loop;
    private final Set<String> unknownLogged = new HashSet<>();
    private boolean decided;
    private boolean deciding;
    private boolean busy;
    private boolean again;

    ShutdownWatch(XenstoreClient client, XenSettings.ShutdownMode mode, PowerControl power, Executor blocking,
            Executor loop) {
        this.client = client;
        this.mode = mode;
        this.power = power;
        this.blocking = blocking;
        this.loop = loop;
    }

    /** A connection is up: decide who answers, once (loop). */
    void connected() {
        if (decided || deciding) {
            return;
        }
        switch (mode) {
            case NO -> {
                decided = true;
                LOG.info("{}: left to the kernel ([xen] handle-shutdown = no)", SHUTDOWN);
            }
            case YES -> {
                decided = true;
                enable("[xen] handle-shutdown = yes");
            }
            case AUTO -> {
                deciding = true;
                client.readString(FEATURE_POWEROFF).handle((v, t) -> {
                    XsException x = XsException.unwrap(t);
                    if (t != null && !(x != null && (x.is(XsError.ENOENT) || x.is(XsError.EACCES)))) {
                        return null; // the channel went away: decided on the next connection
                    }
                    return t == null ? v : "";
                }).thenAccept(v -> loop.execute(() -> {
                    deciding = false;
                    if (v == null || decided) {
                        return;
                    }
                    decided = true;
                    if ("1".equals(v.strip())) {
                        LOG.info("{}: left to the kernel (it advertised {})", SHUTDOWN, FEATURE_POWEROFF);
                    } else {
                        enable("the kernel did not advertise " + FEATURE_POWEROFF);
                    }
                }));
            }
            default -> throw new IllegalStateException(mode.toString());
        }
    }

    private void enable(String why) {
        LOG.info("{}: answered by guestd ({})", SHUTDOWN, why);
        client.watch(SHUTDOWN, path -> fired()).exceptionally(t -> {
            LOG.warn("{}: cannot watch it ({}); the toolstack's shutdown requests go unanswered", SHUTDOWN,
                    t.getMessage());
            return null;
        });
    }

    /** The action for a value of control/shutdown, or null. */
    static PowerAction action(String value) {
        return switch (value) {
            case "poweroff", "halt" -> PowerAction.POWERDOWN;
            case "reboot" -> PowerAction.REBOOT;
            default -> null;
        };
    }

    private void fired() {
        if (busy) {
            again = true;
            return;
        }
        busy = true;
        String[] seen = new String[1];
        client.transaction(tx -> tx.readString(SHUTDOWN).handle((v, t) -> {
            if (t == null) {
                return v;
            }
            XsException x = XsException.unwrap(t);
            if (x != null && x.is(XsError.ENOENT)) {
                return "";
            }
            throw t instanceof RuntimeException ? (RuntimeException) t : new IllegalStateException(t);
        }).thenCompose(v -> {
            seen[0] = v;
            PowerAction a = action(v);
            return a == null ? CompletableFuture.completedFuture((PowerAction) null)
                    : tx.write(SHUTDOWN, "").thenApply(ok -> a);
        })).whenComplete((a, t) -> loop.execute(() -> {
            busy = false;
            XsException x = XsException.unwrap(t);
            if (t != null && x != null && x.is(XsError.DISCONNECTED)) {
                LOG.debug("{}: the channel went away while reading it: {}", SHUTDOWN, t.getMessage());
            } else if (t != null) {
                LOG.warn("{}: the request could not be read and acknowledged: {}", SHUTDOWN, t.getMessage());
            } else if (a != null) {
                LOG.info("{}: '{}' requested by the toolstack; acknowledged", SHUTDOWN, seen[0]);
                blocking.execute(() -> act(a));
            } else if (seen[0] != null && !seen[0].isEmpty() && unknownLogged.add(seen[0])) {
                LOG.info("{}: '{}' is not a request guestd carries out; left unanswered", SHUTDOWN, seen[0]);
            }
            if (again) {
                again = false;
                fired();
            }
        }));
    }

    private void act(PowerAction a) {
        try {
            power.shutdown(a, "xen");
        } catch (AgentException | RuntimeException e) {
            LOG.warn("{}: {} failed: {}", SHUTDOWN, a.actionName(), e.getMessage());
        }
    }
}
