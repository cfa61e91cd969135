// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.guestd.xen.wire.XsMessage;
import org.guestd.xen.wire.XsType;

/** One request of the {@link XenstoreClient}: its message, reply future and timer. Loop-confined. */
final class PendingRequest {
    final XsType type;
    final byte[] payload;
    final int txId;
    final int txGeneration;
    final String what;
    final CompletableFuture<XsMessage> future = new CompletableFuture<>();
    /** Set when sent; 0 while waiting for a connection. */
    int reqId;
    ScheduledFuture<?> timeout;

    PendingRequest(XsType type, byte[] payload, int txId, int txGeneration, String what) {
        this.type = type;
        this.payload = payload;
        this.txId = txId;
        this.txGeneration = txGeneration;
        this.what = what;
    }

    void complete(XsMessage m) {
        cancelTimer();
        future.complete(m);
    }

    void fail(XsError e, String detail) {
        cancelTimer();
        future.completeExceptionally(new XsException(e, what + ": " + detail));
    }

    private void cancelTimer() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
