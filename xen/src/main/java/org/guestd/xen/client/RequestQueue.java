// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsMessage;
import org.guestd.xen.wire.XsType;

/**
 * The {@link XenstoreClient}'s requests: those waiting to be sent (for a connection, or for a free
 * slot) and those sent and unanswered, by {@code req_id}. At most {@code maxInFlight} are unanswered:
 * the Linux xenbus device needs 1, because it queues a forwarded request with its body still in the
 * open file's one message buffer, so the next write(2) overwrites the body of a request the xenbus
 * thread has not copied to the ring yet (seen in the nested-Xen run: pipelined writes stored one
 * request's value under another's path). libxenstore likewise has one request outstanding.
 * Loop-confined.
 */
final class RequestQueue {
    private final XenbusSession session;
    private final ScheduledExecutorService loop;
    private final long timeoutMillis;
    private final int maxInFlight;
    private final Map<Integer, PendingRequest> inFlight = new HashMap<>();
    private final ArrayDeque<PendingRequest> waiting = new ArrayDeque<>();
    private int nextReqId = 1;

    RequestQueue(XenbusSession session, ScheduledExecutorService loop, long timeoutMillis, int maxInFlight) {
        this.session = session;
        this.loop = loop;
        this.timeoutMillis = timeoutMillis;
        this.maxInFlight = maxInFlight;
    }

    /** Queues a request (a watch registration first: a connection's watches go before what waited for it). */
    void add(PendingRequest r) {
        armTimeout(r);
        if (r.type == XsType.WATCH) {
            waiting.addFirst(r);
        } else {
            waiting.add(r);
        }
        pump();
    }

    /** Sends waiting requests while there is a connection and a free slot. */
    void pump() {
        while (session.link() != null && inFlight.size() < maxInFlight && !waiting.isEmpty()) {
            PendingRequest r = waiting.poll();
            if (r.txId != 0 && r.txGeneration != session.generation()) {
                r.fail(XsError.DISCONNECTED, "its transaction ended with the connection it was started on");
                continue;
            }
            int id = allocateId();
            r.reqId = id;
            inFlight.put(id, r);
            session.link().write(new XsMessage(r.type.code(), id, r.txId, r.payload).encode());
        }
    }

    /** The unanswered request with this id, removed (the slot is free; call {@link #pump()} after settling it). */
    PendingRequest take(int reqId) {
        return inFlight.remove(reqId);
    }

    /** Fails every unanswered request (their connection is gone). */
    void failInFlight(String why) {
        List<PendingRequest> lost = new ArrayList<>(inFlight.values());
        inFlight.clear();
        for (PendingRequest r : lost) {
            r.fail(XsError.DISCONNECTED, why);
        }
    }

    /** Fails every waiting request. */
    void failWaiting(String why) {
        PendingRequest r;
        while ((r = waiting.poll()) != null) {
            r.fail(XsError.DISCONNECTED, why);
        }
    }

    /** Fails and drops the waiting requests that match. */
    void dropWaiting(Predicate<PendingRequest> which, String why) {
        waiting.removeIf(r -> {
            if (which.test(r)) {
                r.fail(XsError.DISCONNECTED, why);
                return true;
            }
            return false;
        });
    }

    private int allocateId() {
        while (true) {
            int id = nextReqId++;
            if (id != 0 && !inFlight.containsKey(id)) {
                return id;
            }
        }
    }

    private void armTimeout(PendingRequest r) {
        if (timeoutMillis > 0 && r.timeout == null) {
            r.timeout = loop.schedule(() -> {
                if (!r.future.isDone()) {
                    waiting.remove(r);
                    if (r.reqId != 0) {
                        inFlight.remove(r.reqId, r);
                    }
                    r.fail(XsError.TIMEOUT, "no reply within " + timeoutMillis + " ms");
                    pump();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }
}
