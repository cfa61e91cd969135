// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

/**
 * Capped exponential backoff: {@link #next()} returns the initial delay, then doubles up to the
 * cap; {@link #reset()} starts over. Not thread-safe (each user keeps it on the event loop).
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;
    private int attempts;

    /**
     * @param initialMillis the first delay, &gt; 0
     * @param maxMillis the cap, &ge; initialMillis
     */
    public Backoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("bad backoff " + initialMillis + ".." + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.nextMillis = initialMillis;
    }

    /** The delay to wait now, in milliseconds; the following call returns up to twice as much. */
    public long next() {
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        attempts++;
        return d;
    }

    /** Back to the initial delay. */
    public void reset() {
        nextMillis = initialMillis;
        attempts = 0;
    }

    /** How many delays {@link #next()} handed out since the last reset. */
    public int attempts() {
        return attempts;
    }

    /** The cap in milliseconds. */
    public long maxMillis() {
        return maxMillis;
    }
}
