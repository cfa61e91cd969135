// SPDX-License-Identifier: Apache-2.0
package org.guestd.xen.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.guestd.xen.wire.XsError;
import org.guestd.xen.wire.XsException;
import org.guestd.xen.wire.XsType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a transaction body to a commit: START, the body, END "T"; the whole of it again when the
 * commit or an operation answers EAGAIN or the channel is lost meanwhile (as {@code manage.c} and
 * libxenstore callers do), at most {@code maxAttempts} times; a body failure aborts with END "F".
 */
final class TransactionRunner<T> {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.xen");

    private final XenstoreClient client;
    private final Function<XsTransaction, CompletableFuture<T>> body;
    private final int maxAttempts;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    TransactionRunner(XenstoreClient client, Function<XsTransaction, CompletableFuture<T>> body, int maxAttempts) {
        this.client = client;
        this.body = body;
        this.maxAttempts = maxAttempts;
    }

    CompletableFuture<T> run() {
        attempt(1);
        return result;
    }

    private void attempt(int n) {
        client.call(XsType.TRANSACTION_START, new byte[] {0}, "TRANSACTION_START").whenComplete((m, t) -> {
            if (t != null) {
                retryOrFail(n, t);
                return;
            }
            XsTransaction tx;
            try {
                tx = new XsTransaction(client, (int) Long.parseLong(m.firstString()), client.generation());
            } catch (NumberFormatException e) {
                result.completeExceptionally(new XsException(XsError.UNKNOWN,
                        "TRANSACTION_START: not a transaction id: '" + m.firstString() + "'"));
                return;
            }
            CompletableFuture<T> run;
            try {
                run = body.apply(tx);
            } catch (RuntimeException e) {
                run = CompletableFuture.failedFuture(e);
            }
            run.whenComplete((v, bodyFailure) -> {
                if (bodyFailure == null) {
                    tx.end(true).whenComplete((ok, commitFailure) -> {
                        if (commitFailure == null) {
                            result.complete(v);
                        } else {
                            retryOrFail(n, commitFailure);
                        }
                    });
                } else {
                    tx.end(false).whenComplete((ok, ignored) -> retryOrFail(n, bodyFailure));
                }
            });
        });
    }

    private void retryOrFail(int n, Throwable t) {
        XsException x = XsException.unwrap(t);
        boolean retry = x != null && (x.is(XsError.EAGAIN) || x.is(XsError.DISCONNECTED)) && client.mayRetry()
                && n < maxAttempts;
        if (retry) {
            LOG.debug("transaction attempt {} ended in {}; trying again", n, x.error());
            attempt(n + 1);
        } else {
            result.completeExceptionally(x != null ? x : t);
        }
    }
}
