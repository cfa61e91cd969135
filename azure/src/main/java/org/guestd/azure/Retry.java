// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.guestd.core.env.Clock;
import org.slf4j.Logger;

/**
 * Retries an attempt with capped exponential backoff until it succeeds, fails for good, or a total
 * time limit passes. A burst of failures is logged once: the first failure as a warning (what and
 * why, and for how long it will be retried), the outcome once at the end; the failures in between
 * at debug level only. The clock and the sleep are injected: tests run a whole burst without
 * waiting.
 */
public final class Retry {
    /** Sleeps; interruptible. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));
    }

    /**
     * The policy.
     *
     * @param initialDelay the first pause
     * @param maxDelay the longest pause
     * @param total no attempt starts after this much time since the first
     */
    public record Policy(Duration initialDelay, Duration maxDelay, Duration total) {
        public Policy {
            Objects.requireNonNull(initialDelay);
            Objects.requireNonNull(maxDelay);
            Objects.requireNonNull(total);
        }
    }

    /** One attempt; gets the time left (for its own timeouts). */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Duration remaining) throws Exception;
    }

    /** An attempt's failure that must not be retried. */
    public static final class Fatal extends Exception {
        private static final long serialVersionUID = 1L;

        public Fatal(String message, Throwable cause) {
            super(message, cause);
        }

        public Fatal(String message) {
            super(message);
        }
    }

    /** Every attempt failed within the limit (or one failed for good). */
    public static final class GaveUp extends Exception {
        private static final long serialVersionUID = 1L;
        private final int attempts;

        GaveUp(String message, int attempts, Throwable last) {
            super(message, last);
            this.attempts = attempts;
        }

        public int attempts() {
            return attempts;
        }
    }

    /** Where a burst's log lines go (an slf4j logger in the agent; a list in tests). */
    public interface Log {
        void warn(String line);

        void info(String line);

        void debug(String line);

        /** The slf4j logger {@code l}. */
        static Log of(Logger l) {
            return new Log() {
                @Override
                public void warn(String line) {
                    l.warn(line);
                }

                @Override
                public void info(String line) {
                    l.info(line);
                }

                @Override
                public void debug(String line) {
                    if (l.isDebugEnabled()) {
                        l.debug(line);
                    }
                }
            };
        }
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final Log log;

    public Retry(Clock clock, Sleeper sleeper, Log log) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
    }

    /**
     * Runs {@code attempt} until it returns.
     *
     * @param what what is tried, for the log ("IMDS instance metadata")
     * @throws GaveUp with the last failure as its cause
     * @throws InterruptedException when the agent stops meanwhile
     */
    public <T> T run(String what, Policy policy, Attempt<T> attempt) throws GaveUp, InterruptedException {
        long start = clock.monotonicNanos();
        long total = policy.total().toNanos();
        long delay = policy.initialDelay().toNanos();
        int attempts = 0;
        Exception last = null;
        while (true) {
            long elapsed = clock.monotonicNanos() - start;
            attempts++;
            try {
                T t = attempt.run(Duration.ofNanos(Math.max(1, total - elapsed)));
                if (attempts > 1) {
                    log.info(what + ": succeeded at attempt " + attempts + " after " + millis(clock.monotonicNanos() - start) + " ms");
                }
                return t;
            } catch (InterruptedException e) {
                throw e;
            } catch (Fatal e) {
                log.warn(what + ": failed for good at attempt " + attempts + ": " + e.getMessage());
                throw new GaveUp(what + ": " + e.getMessage(), attempts, e);
            } catch (Exception e) {
                last = e;
            }
            String why = describe(last);
            long now = clock.monotonicNanos() - start;
            if (now + delay >= total) {
                log.warn(what + ": gave up after " + attempts + " attempt(s) in " + millis(now) + " ms; last: " + why);
                throw new GaveUp(what + ": " + why + " (" + attempts + " attempt(s) in " + millis(now) + " ms)",
                        attempts, last);
            }
            if (attempts == 1) {
                log.warn(what + ": " + why + "; retrying for up to " + policy.total().toSeconds()
                        + " s (further failures logged at debug level)");
            } else {
                log.debug(what + ": attempt " + attempts + " failed: " + why);
            }
            sleeper.sleep(Duration.ofNanos(delay));
            delay = Math.min(policy.maxDelay().toNanos(), delay * 2);
        }
    }

    /** A short text for an attempt's failure. */
    static String describe(Exception e) {
        if (e instanceof SocketTimeoutException) {
            return "timed out (" + e.getMessage() + ")";
        }
        if (e instanceof ConnectException) {
            return "cannot connect (" + e.getMessage() + ")";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
