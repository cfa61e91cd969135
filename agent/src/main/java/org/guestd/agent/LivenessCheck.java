// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.guestd.core.AgentException;
import org.guestd.core.config.ConfigSection;

/**
 * Whether the agent really works, asked before each systemd watchdog ping: the I/O loop must run a
 * probe task within {@link #loopDeadline} and no worker task may have been running longer than
 * {@link #workerLimit} (a wedged syscall or a deadlock; legitimate work — a freeze with its hooks,
 * a KVP write — ends in seconds, guest-exec children run outside the pool). When either fails the
 * ping is withheld and systemd restarts the agent after {@code WatchdogSec}.
 *
 * <p>Config, section {@code [heartbeat]}: {@code loop-deadline} (default 5 s), {@code worker-limit}
 * (default 10 min).
 */
final class LivenessCheck {
    static final Duration DEFAULT_LOOP_DEADLINE = Duration.ofSeconds(5);
    static final Duration DEFAULT_WORKER_LIMIT = Duration.ofMinutes(10);

    private final LongPredicate loopAnswersWithinMillis;
    private final LongSupplier longestWorkerNanos;
    private final Duration loopDeadline;
    private final Duration workerLimit;

    LivenessCheck(LongPredicate loopAnswersWithinMillis, LongSupplier longestWorkerNanos, Duration loopDeadline,
            Duration workerLimit) {
        this.loopAnswersWithinMillis = loopAnswersWithinMillis;
        this.longestWorkerNanos = longestWorkerNanos;
        this.loopDeadline = loopDeadline;
        this.workerLimit = workerLimit;
    }

    static LivenessCheck fromConfig(ConfigSection heartbeat, LongPredicate loop, LongSupplier longestWorkerNanos)
            throws AgentException {
        Duration deadline = heartbeat.getDuration("loop-deadline", DEFAULT_LOOP_DEADLINE);
        Duration limit = heartbeat.getDuration("worker-limit", DEFAULT_WORKER_LIMIT);
        if (deadline.isNegative() || deadline.isZero() || limit.isNegative() || limit.isZero()) {
            throw AgentException.generic("[heartbeat] loop-deadline and worker-limit must be positive");
        }
        return new LivenessCheck(loop, longestWorkerNanos, deadline, limit);
    }

    /** Why the agent is not working, or empty when it is. */
    Optional<String> problem() {
        if (!loopAnswersWithinMillis.test(loopDeadline.toMillis())) {
            return Optional.of("the I/O loop did not run a probe task within " + loopDeadline.toMillis() + " ms");
        }
        long longest = longestWorkerNanos.getAsLong();
        if (longest > workerLimit.toNanos()) {
            return Optional.of("a worker task has been running for " + longest / 1_000_000_000L + " s (limit "
                    + workerLimit.toSeconds() + " s)");
        }
        return Optional.empty();
    }
}
