// SPDX-License-Identifier: Apache-2.0
package org.guestd.heartbeat;

import java.time.Duration;
import java.util.Map;
import org.guestd.core.facts.LivenessFact;

/**
 * Host-contact liveness. Protocol endpoints call {@link #contact} whenever the host shows it is
 * there (a QGA ping or sync, a Hyper-V heartbeat message, any request); the fact publisher carries
 * {@link #fact()} to the channels that report liveness. Times come from the monotonic clock, so wall-clock steps (guest-set-time)
 * never make the host look dead or alive.
 */
public interface Heartbeat {
    /** What kind of host message showed contact. */
    enum ContactKind {
        /** A liveness probe (QGA guest-ping, Hyper-V heartbeat). */
        PING,
        /** A resynchronisation (QGA guest-sync / guest-sync-delimited). */
        SYNC,
        /** Any other request. */
        REQUEST
    }

    /**
     * One recorded contact.
     *
     * @param source who saw it, e.g. {@code "qga"}
     * @param kind what it was
     * @param monotonicNanos when, on the monotonic clock
     * @param count how many contacts have been recorded including this one
     */
    record Contact(String source, ContactKind kind, long monotonicNanos, long count) {}

    /**
     * A snapshot of the liveness state.
     *
     * @param contacts contacts recorded since start
     * @param last the most recent contact, null when there has been none
     * @param sinceLastNanos nanoseconds since the last contact, -1 when there has been none
     * @param window the configured liveness window
     * @param alive whether the last contact is at most {@code window} old
     */
    record Liveness(long contacts, Contact last, long sinceLastNanos, Duration window, boolean alive) {}

    /** Records that the host made contact now. Cheap; safe from any thread. */
    void contact(String source, ContactKind kind);

    /** The last contact seen by each source ("qga", "hyperv-kvp"…), for status reports. */
    Map<String, Contact> lastContactBySource();

    /** The current state, judged against the configured window. */
    Liveness liveness();

    /** The liveness state as the fact the publisher carries: alive or not, and who saw the last contact. */
    default LivenessFact fact() {
        Liveness l = liveness();
        return new LivenessFact(l.alive(), l.last() == null ? null : l.last().source());
    }
}
