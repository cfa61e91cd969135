// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code on a thread with a 128 KiB stack: proves that something (the parser, the reorder) does
 * not need stack in proportion to the nesting depth of its input.
 */
public final class SmallStack {
    /** The stack size asked for; the JVM may round it up to its minimum, never to anything like 1 MiB. */
    public static final long STACK_BYTES = 128 * 1024;

    private SmallStack() {}

    /** Calls {@code body} on a new small-stack thread and returns its result or rethrows what it threw. */
    public static <T> T call(Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", STACK_BYTES);
        t.start();
        t.join(60_000); // hang guard only
        if (t.isAlive()) {
            throw new AssertionError("hang guard: the small-stack thread did not finish");
        }
        Throwable e = failure.get();
        if (e instanceof Exception) {
            throw (Exception) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return result.get();
    }
}
