// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.log;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings a host (or a device) can cause, rate-limited per cause: the first line of a cause is
 * logged at warn at once, then at most one per {@link #INTERVAL_NANOS} (a minute); the lines in
 * between go to debug and are counted, and the next warn line of that cause says how many were
 * suppressed. A host that sends bad input in a loop, a device that keeps failing, a peer that does
 * not read: one line a minute each, with the count, never a flood of the journal. Thread-safe.
 *
 * <p>A cause is a short stable key ({@code "kvp-bad-size"}, {@code "qga-bad-input"}); a cause with
 * a parameter that can take unbounded values must not put the value in the key (the table of
 * causes stays small: at most {@link #MAX_CAUSES}, beyond which new causes share one entry).
 */
public final class HostWarnings {
    /** At most one warn line per cause in this time. */
    public static final long INTERVAL_NANOS = 60_000_000_000L;
    /** Distinct causes tracked; more share the entry "other". */
    static final int MAX_CAUSES = 256;

    private final Logger log;
    private final LongSupplier nanos;
    private final Map<String, Cause> causes = new HashMap<>(); // guarded by this

    private static final class Cause {
        long lastWarnNanos;
        long suppressed;
    }

    public HostWarnings(Logger log) {
        this(log, System::nanoTime);
    }

    public HostWarnings(Logger log, LongSupplier nanos) {
        this.log = log;
        this.nanos = nanos;
    }

    /**
     * Logs {@code format} (slf4j style) for {@code cause}: at warn if none of this cause was logged
     * at warn within the interval (with the count of those suppressed since), else at debug.
     *
     * @return true when it went to warn
     */
    public boolean warn(String cause, String format, Object... args) {
        long suppressed;
        synchronized (this) {
            long now = nanos.getAsLong();
            Cause c = causes.get(cause);
            if (c == null) {
                c = causes.computeIfAbsent(causes.size() < MAX_CAUSES ? cause : "other", k -> {
                    Cause n = new Cause();
                    n.lastWarnNanos = now - INTERVAL_NANOS;
                    return n;
                });
            }
            if (now - c.lastWarnNanos < INTERVAL_NANOS) {
                c.suppressed++;
                suppressed = -1;
            } else {
                suppressed = c.suppressed;
                c.suppressed = 0;
                c.lastWarnNanos = now;
            }
        }
        try {
            if (suppressed < 0) {
                if (log.isDebugEnabled()) {
                    log.debug(format, args);
                }
                return false;
            }
            String tail = suppressed == 0 ? " (more like this within a minute: debug, counted)"
                    : " (" + suppressed + " more like this in the last minute or more at debug)";
            log.warn(format + tail, args);
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false; // logging must never fail the caller
        }
    }

    /** Lines of {@code cause} suppressed since its last warn line (tests, status). */
    public synchronized long suppressed(String cause) {
        Cause c = causes.get(cause);
        return c == null ? 0 : c.suppressed;
    }
}
