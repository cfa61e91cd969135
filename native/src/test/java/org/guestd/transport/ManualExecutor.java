// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** An {@link Executor} that only queues: the test runs the tasks when it wants, on its own thread. */
final class ManualExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private RuntimeException rejectWith;
    private Error failWith;

    @Override
    public synchronized void execute(Runnable task) {
        if (rejectWith != null) {
            throw rejectWith;
        }
        if (failWith != null) {
            throw failWith;
        }
        tasks.add(task);
    }

    /** From now on execute() throws a RejectedExecutionException (as a shut-down pool), until {@link #accept}. */
    synchronized void reject() {
        rejectWith = new RejectedExecutionException("shut down (test)");
    }

    /** From now on execute() throws {@code e} (as a pool that cannot make a thread), until {@link #accept}. */
    synchronized void fail(Error e) {
        failWith = e;
    }

    synchronized void accept() {
        rejectWith = null;
        failWith = null;
    }

    synchronized int queued() {
        return tasks.size();
    }

    /** Runs queued tasks (and those they queue) until none is left; returns how many ran. */
    int runAll() {
        int n = 0;
        Runnable r;
        while ((r = next()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    private synchronized Runnable next() {
        return tasks.poll();
    }
}
