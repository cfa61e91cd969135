// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

/**
 * What a channel implements to receive facts from the {@link FactPublisher}. Calls for one
 * publisher are made one at a time, in the order the changes happened; they must not block (a
 * channel queues its own wire work).
 */
public interface FactListener {
    /** A fact is new, or its value differs from the last one delivered. */
    void changed(Fact<?> fact);

    /** A fact that was delivered before no longer exists (its source stopped reporting it). */
    void withdrawn(Fact.Id id);
}
