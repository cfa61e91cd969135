// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

/** How a case ended for one agent. */
public enum Outcome {
    /** The agent behaved as required. */
    PASS,
    /** The agent under test (guestd) did not: fails the suite. */
    FAIL,
    /** guestd answered CommandNotFound for a command another branch is implementing (see {@link Verdict}). */
    NOT_IMPLEMENTED,
    /** The reference agent (qemu-ga) failed the case: recorded, never dropped, not the suite's failure. */
    REFERENCE_FAIL,
    /** The guest cannot offer what the case needs (reason given). */
    SKIPPED
}
