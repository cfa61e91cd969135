// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.util.concurrent.CompletableFuture;
import org.guestd.xen.wire.XsMessage;
import org.guestd.xen.wire.XsType;

/**
 * The operations inside one xenstore transaction (its {@code tx_id} on every request). Made by
 * {@link XenstoreClient#transaction}, which commits or aborts it: a body only reads and writes.
 * After the connection it was started on is lost, every operation fails with DISCONNECTED (the
 * kernel aborts a closed file's transactions), and the client runs the body again.
 */
public final class XsTransaction extends XsOps {
    private final XenstoreClient client;
    private final int txId;
    private final int generation;

    XsTransaction(XenstoreClient client, int txId, int generation) {
        this.client = client;
        this.txId = txId;
        this.generation = generation;
    }

    /** The transaction id xenstored gave. */
    public int id() {
        return txId;
    }

    @Override
    CompletableFuture<XsMessage> call(XsType type, byte[] payload, String what) {
        return client.request(type, payload, txId, generation, what + " (tx " + Integer.toUnsignedString(txId) + ")");
    }

    @Override
    int maxPayload() {
        return client.maxPayloadForTx();
    }

    /** XS_TRANSACTION_END: {@code T} commits (EAGAIN when it conflicted), {@code F} aborts. */
    CompletableFuture<XsMessage> end(boolean commit) {
        return call(XsType.TRANSACTION_END, new byte[] {(byte) (commit ? 'T' : 'F'), 0},
                commit ? "TRANSACTION_END commit" : "TRANSACTION_END abort");
    }
}
