// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

/**
 * Turns what a case threw into an {@link Outcome}. This is where "not implemented yet" is decided.
 */
public final class Verdict {

    /**
     * THE switch: true (the default, now that every feature has merged) makes a case that guestd
     * answers with {@code CommandNotFound} a {@link Outcome#FAIL}; {@code -Dguestd.e2e.strict=false}
     * reports it as {@link Outcome#NOT_IMPLEMENTED} instead (for a branch that lacks a feature).
     */
    public static final boolean NOT_IMPLEMENTED_IS_FAILURE =
            Boolean.parseBoolean(System.getProperty("guestd.e2e.strict", "true"));

    private Verdict() {
    }

    /** The outcome for a case of {@code agent} that threw {@code t} (null: it returned normally). */
    public static Outcome of(Agent agent, Throwable t) {
        if (t == null) {
            return Outcome.PASS;
        }
        if (t instanceof Skip) {
            return Outcome.SKIPPED;
        }
        if (agent.reference()) {
            return Outcome.REFERENCE_FAIL;
        }
        if (t instanceof NotImplemented) {
            return NOT_IMPLEMENTED_IS_FAILURE ? Outcome.FAIL : Outcome.NOT_IMPLEMENTED;
        }
        return Outcome.FAIL;
    }

    /** Thrown when the agent answers CommandNotFound. */
    public static final class NotImplemented extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotImplemented(String command, String desc) {
            super(command + ": CommandNotFound (" + desc + ")");
        }
    }

    /** Thrown when the guest cannot offer what a case needs. */
    public static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip(String reason) {
            super(reason);
        }
    }

    /** A case's expectation that did not hold. */
    public static final class CaseFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CaseFailure(String message) {
            super(message);
        }
    }
}
