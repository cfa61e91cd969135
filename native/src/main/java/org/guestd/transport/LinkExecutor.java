// SPDX-License-Identifier: Apache-2.0
package org.guestd.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The request queue of a protocol endpoint: runs the requests of one {@link Link} (or of a device
 * whose successive links share state) one at a time, in arrival order, on a shared worker pool,
 * and writes their replies to the link in that order.
 *
 * <p><b>Threading contract.</b> {@link #submit} and {@link #tryInline} are called from the link's
 * I/O thread (in general: never concurrently with each other); {@link #idle} and {@link
 * #pendingWeight} from any thread. Submitted work runs on the {@link Executor} given in, at most
 * one task of this queue at a time, so the work may block (files, scripts, a freeze) without
 * blocking the I/O thread or any other queue: every queue that has work takes one pool thread of
 * its own while it drains (the pool must not be bounded below the number of busy links, as a
 * cached pool is not).
 *
 * <p><b>Fast path.</b> {@link #tryInline} answers a request on the I/O thread itself, two thread
 * hand-offs fewer per round trip, when this queue is {@linkplain #idle idle} (every submitted task
 * has finished and its reply is handed to its link), less than {@link Limits#inlineBelowBytes} is
 * queued for the peer, and the offered body does not decline. Only the I/O thread submits, so
 * nothing can become queued between the check and the inline answer: replies keep arrival order.
 * A worker writes its reply and counts its task finished in one critical section that {@link
 * #idle} also takes; so when the peer has read a reply and sends its next request, the queue is
 * already idle and that request can take the fast path (the worker may still be on its way out).
 *
 * <p><b>Back-pressure.</b> A worker holds its reply back while more than {@link
 * Limits#holdBackAboveBytes} is queued for the peer ({@link Link#pendingWriteBytes}), at most
 * {@link Limits#maxHoldBackNanos}, as a blocking write would; so a peer that sends faster than it
 * reads is slowed down instead of losing replies at the link's write queue cap. Each task carries
 * a weight (e.g. the bytes of its request); the sum for tasks not yet finished is {@link
 * #pendingWeight}. A task that would take it over {@link Limits#maxPendingWeight} closes its link
 * with one log line, and later tasks for that link are dropped (except those of weight 0:
 * bookkeeping such as "the session ended", which must run).
 *
 * <p><b>Input back-pressure.</b> A submit that takes {@link #pendingWeight} above {@link
 * Limits#pauseAboveWeight} pauses reading on its link ({@link Link#pauseReading}); the worker that
 * brings it down to {@link Limits#resumeBelowWeight} resumes it. The link itself pauses while its
 * unsent replies exceed {@link Link#READ_PAUSE_ABOVE_BYTES}. So a peer that writes requests and
 * reads no replies is stopped at about the sum of both budgets, as qemu-ga stops reading while
 * its blocking write waits, instead of making the agent queue everything it sends; once the peer
 * reads, every reply arrives in order and reading resumes. The weight cap that closes a link is
 * then only reached by one oversized burst within a single read.
 *
 * <p><b>Failures.</b> Whatever a task throws ({@link Exception} or {@link Error}, a stack overflow
 * or out-of-memory included) is logged, rate-limited and without a stack trace for a {@link
 * VirtualMachineError}; it is answered with the failure reply given to the constructor (if any),
 * and the queue goes on. A worker pool that refuses work drops what is queued with one log line;
 * the next submit tries the pool again.
 *
 * <p>Replies are written only while their link is open (a request still queued when its link
 * went away is executed, its reply dropped); an empty reply is not written (a zero-length
 * message means nothing on a stream and is not allowed on a message-framed link).
 */
public final class LinkExecutor {
    /** An empty reply: "answered, nothing to write" (null from a quick body means "declined"). */
    public static final ByteBuffer NO_REPLY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /**
     * The queue's budgets.
     *
     * @param maxPendingWeight most weight of unfinished tasks before the link is closed
     * @param inlineBelowBytes the fast path is taken only while less than this waits for the peer;
     *     0 turns the fast path off
     * @param holdBackAboveBytes a worker holds its reply back while more than this waits for the peer
     * @param maxHoldBackNanos longest a worker holds one reply back (then the link's cap decides)
     * @param pauseAboveWeight reading on a link pauses while more than this weight is pending
     * @param resumeBelowWeight and resumes once at most this is
     */
    public record Limits(long maxPendingWeight, long inlineBelowBytes, long holdBackAboveBytes,
            long maxHoldBackNanos, long pauseAboveWeight, long resumeBelowWeight) {
        /** Reading pauses above 1 MiB of pending weight by default. */
        public static final long DEFAULT_PAUSE_ABOVE = 1L << 20;
        /** ... and resumes at 256 KiB. */
        public static final long DEFAULT_RESUME_BELOW = 256L << 10;

        /**
         * 96 MiB of pending requests (QGA: one request of the parser's largest size, 64 MiB, and
         * then some, within the agent's 256 MiB heap), the fast path below 1 MiB waiting for the
         * peer, replies held back above 4 MiB for at most 30 s (well under the 16 MiB write cap),
         * reading paused above 1 MiB of pending requests and resumed at 256 KiB.
         */
        public static final Limits DEFAULT = new Limits(96L << 20, 1L << 20, 4L << 20, 30_000_000_000L);

        public Limits {
            if (maxPendingWeight < 0 || inlineBelowBytes < 0 || holdBackAboveBytes < 0 || maxHoldBackNanos < 0
                    || pauseAboveWeight < 0 || resumeBelowWeight < 0 || resumeBelowWeight > pauseAboveWeight) {
                throw new IllegalArgumentException("bad limits: " + maxPendingWeight + ", " + inlineBelowBytes + ", "
                        + holdBackAboveBytes + ", " + maxHoldBackNanos + ", " + pauseAboveWeight + ", "
                        + resumeBelowWeight);
            }
        }

        /** The first four limits with the default read pause (1 MiB) and resume (256 KiB). */
        public Limits(long maxPendingWeight, long inlineBelowBytes, long holdBackAboveBytes, long maxHoldBackNanos) {
            this(maxPendingWeight, inlineBelowBytes, holdBackAboveBytes, maxHoldBackNanos, DEFAULT_PAUSE_ABOVE,
                    DEFAULT_RESUME_BELOW);
        }

        public Limits withMaxPendingWeight(long max) {
            return new Limits(max, inlineBelowBytes, holdBackAboveBytes, maxHoldBackNanos, pauseAboveWeight,
                    resumeBelowWeight);
        }

        /** The same limits with the fast path off: every request goes to the worker. */
        public Limits withoutInline() {
            return new Limits(maxPendingWeight, 0, holdBackAboveBytes, maxHoldBackNanos, pauseAboveWeight,
                    resumeBelowWeight);
        }

        /** The same limits with reading paused above {@code above} and resumed at {@code below}. */
        public Limits withReadPause(long above, long below) {
            return new Limits(maxPendingWeight, inlineBelowBytes, holdBackAboveBytes, maxHoldBackNanos, above, below);
        }
    }

    private record Task(Link link, long weight, Callable<ByteBuffer> work) {}

    private final String label;
    private final Logger log;
    private final Executor workers;
    private final Limits limits;
    private final Function<? super Throwable, ByteBuffer> failureReply;
    private final FailureLog failures;

    private final Object lock = new Object();
    private final ArrayDeque<Task> queue = new ArrayDeque<>(); // guarded by lock
    private boolean running; // a drain is scheduled or running; guarded by lock
    private long submitted; // guarded by lock
    private long finished; // guarded by lock
    private long pendingWeight; // guarded by lock
    private Link overloaded; // the link closed for its pending weight; guarded by lock
    private Link paused; // the link whose reading this queue paused; guarded by lock

    /**
     * @param label prefix of log lines, e.g. {@code "qga"} or {@code "kvp"}
     * @param log where failures and the overload close are logged
     * @param workers the shared pool tasks run on; never the I/O thread
     * @param failureReply the reply to a task that threw (null from it, or a null function: none)
     */
    public LinkExecutor(String label, Logger log, Executor workers, Limits limits,
            Function<? super Throwable, ByteBuffer> failureReply) {
        this(label, log, workers, limits, failureReply, new FailureLog(System::nanoTime));
    }

    LinkExecutor(String label, Logger log, Executor workers, Limits limits,
            Function<? super Throwable, ByteBuffer> failureReply, FailureLog failures) {
        this.label = label;
        this.log = log;
        this.workers = workers;
        this.limits = limits;
        this.failureReply = failureReply;
        this.failures = failures;
    }

    /**
     * The fast path: when this queue is idle and less than {@link Limits#inlineBelowBytes} waits
     * for the peer of {@code link}, runs {@code quick} here and writes what it returns. The body
     * declines by returning null, or by throwing (logged at debug: the worker then runs the
     * request and reports its failure), so it must be safe to run again on a worker. I/O thread only.
     *
     * @return true when the request was answered here ({@link #NO_REPLY}: with nothing); false
     *     when it must be {@link #submit submitted}
     */
    public boolean tryInline(Link link, Supplier<ByteBuffer> quick) {
        if (link.pendingWriteBytes() >= limits.inlineBelowBytes()) {
            return false;
        }
        synchronized (lock) {
            if (finished != submitted || link == overloaded) {
                return false;
            }
        }
        ByteBuffer reply;
        try {
            reply = quick.get();
        } catch (RuntimeException | Error e) {
            debug("fast path declined after {}", e);
            return false;
        }
        if (reply == null) {
            return false;
        }
        write(link, reply);
        return true;
    }

    /**
     * Queues {@code work} behind every earlier task; its reply (null or {@link #NO_REPLY}: none) is
     * written to {@code link}. I/O thread only.
     *
     * @param weight counts towards {@link #pendingWeight} until the task finished
     * @return false when dropped: over the weight budget (the link is closed then, once), or the
     *     worker pool refused it
     */
    public boolean submit(Link link, long weight, Callable<ByteBuffer> work) {
        Objects.requireNonNull(link, "link");
        if (weight < 0) {
            throw new IllegalArgumentException("negative weight " + weight);
        }
        boolean overLimit = false;
        synchronized (lock) {
            if (weight > 0 && link == overloaded) {
                return false;
            }
            if (pendingWeight + weight > limits.maxPendingWeight()) {
                overloaded = link;
                overLimit = true;
            } else {
                submitted++;
                pendingWeight += weight;
                queue.add(new Task(link, weight, work));
                if (pendingWeight > limits.pauseAboveWeight() && paused == null) {
                    paused = link;
                    pause(link); // under the lock: the resume in finish() cannot overtake it
                }
                if (running) {
                    return true;
                }
                running = true;
            }
        }
        if (overLimit) {
            log(false, null, "{}: {} has more than {} bytes of requests pending; closing it", label,
                    link.describe(), limits.maxPendingWeight());
            link.close();
            return false;
        }
        try {
            workers.execute(this::drain);
            return true;
        } catch (RejectedExecutionException | Error e) { // shut down, or no thread could be made
            int n;
            synchronized (lock) {
                n = queue.size();
                queue.clear();
                finished = submitted;
                pendingWeight = 0;
                running = false;
                resumeIfDrained();
            }
            log(true, null, "{}: worker pool refused work ({}), dropped {} queued request(s)", label,
                    e.toString(), n);
            return false;
        }
    }

    /**
     * Whether every submitted task has finished, its reply handed to its link. Only the I/O thread
     * submits: on that thread a true answer stays true until its next submit.
     */
    public boolean idle() {
        synchronized (lock) {
            return finished == submitted;
        }
    }

    /** The weight of tasks submitted and not yet finished. */
    public long pendingWeight() {
        synchronized (lock) {
            return pendingWeight;
        }
    }

    /** Runs queued tasks until none is left; one drain at a time per queue. */
    private void drain() {
        Task task;
        synchronized (lock) {
            task = queue.poll();
            if (task == null) {
                running = false;
                return;
            }
        }
        while (task != null) {
            ByteBuffer reply = null;
            try {
                reply = run(task);
            } catch (Throwable e) { // only when reporting a failure failed: the queue goes on regardless
                reply = null;
            }
            try {
                holdBack(task.link(), reply);
            } catch (Throwable e) { // a broken link: writing decides
                // nothing to add
            }
            task = finish(task, reply);
        }
    }

    /** Runs one task; a failure is logged and answered with the failure reply. */
    private ByteBuffer run(Task task) {
        try {
            return task.work().call();
        } catch (Throwable e) {
            ByteBuffer reply = null;
            Throwable replyFailure = null;
            if (failureReply != null) {
                try {
                    reply = failureReply.apply(e);
                } catch (Throwable f) {
                    replyFailure = f;
                }
            }
            log(true, e, "{}: {}: a request failed: {}; {}", label, describe(task.link()), e.toString(),
                    reply != null && reply.hasRemaining() ? "answered with an error reply"
                            : replyFailure != null ? "its error reply failed too (" + replyFailure + "); no reply sent"
                            : "no reply sent");
            return reply;
        }
    }

    /**
     * Waits while more than the budget is queued for the peer, at most {@link
     * Limits#maxHoldBackNanos}, or until the link closes.
     */
    private void holdBack(Link link, ByteBuffer reply) {
        if (reply == null || !reply.hasRemaining() || link.pendingWriteBytes() <= limits.holdBackAboveBytes()) {
            return;
        }
        long deadline = System.nanoTime() + limits.maxHoldBackNanos();
        while (link.isOpen() && link.pendingWriteBytes() > limits.holdBackAboveBytes()
                && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(200_000);
        }
    }

    /**
     * Writes the reply and counts the task finished in one critical section ({@link Link#write}
     * only queues, it never blocks), then takes the next task, or marks the drain over.
     */
    private Task finish(Task task, ByteBuffer reply) {
        synchronized (lock) {
            try {
                write(task.link(), reply);
            } catch (Throwable e) { // out of memory copying it, or a broken link: the queue goes on
                log(true, e, "{}: {}: writing a reply failed: {}", label, describe(task.link()),
                        e.toString());
            } finally {
                finished++;
                pendingWeight -= task.weight();
                resumeIfDrained();
            }
            Task next = queue.poll();
            if (next == null) {
                running = false;
            }
            return next;
        }
    }

    /** Whether this queue holds reading paused on a link now (tests, status). */
    public boolean holdsReading() {
        synchronized (lock) {
            return paused != null;
        }
    }

    /** Resumes the link this queue paused once its pending weight is down to the resume mark. Lock held. */
    private void resumeIfDrained() {
        if (paused != null && pendingWeight <= limits.resumeBelowWeight()) {
            Link l = paused;
            paused = null;
            try {
                l.resumeReading();
            } catch (RuntimeException e) { // a broken link: closing it decides
                debug("resuming reading failed: {}", e);
            }
        }
    }

    private void pause(Link link) {
        try {
            link.pauseReading();
        } catch (RuntimeException e) {
            debug("pausing reading failed: {}", e);
        }
    }

    private static String describe(Link link) {
        try {
            return link.describe();
        } catch (RuntimeException e) {
            return link.getClass().getName();
        }
    }

    private static void write(Link link, ByteBuffer reply) {
        if (reply != null && reply.hasRemaining() && link.isOpen()) {
            link.write(reply);
        }
    }

    /**
     * Logs a failure at warn, never throwing: with the stack trace of {@code trace} unless it is
     * null or a VirtualMachineError (noise, possibly 1024 frames); when {@code rateLimited} and a
     * line was logged less than a minute ago, at debug instead.
     */
    private void log(boolean rateLimited, Throwable trace, String format, Object... args) {
        try {
            if (rateLimited && !failures.allow()) {
                log.debug(format, args);
            } else if (trace == null || trace instanceof VirtualMachineError) {
                log.warn(format + (rateLimited ? FailureLog.SUFFIX : ""), args);
            } else {
                Object[] withTrace = Arrays.copyOf(args, args.length + 1);
                withTrace[args.length] = trace; // the last argument: logged as the stack trace
                log.warn(format + (rateLimited ? FailureLog.SUFFIX : ""), withTrace);
            }
        } catch (Throwable ignored) {
            // out of memory again: nothing more to do
        }
    }

    private void debug(String format, Throwable e) {
        try {
            log.debug("{}: " + format, label, e.toString());
        } catch (Throwable ignored) {
            // as above
        }
    }
}
