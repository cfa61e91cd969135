// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

/**
 * One end-to-end case: a named check run against the agent in a booted guest.
 *
 * @param name the case's name in reports
 * @param body what it does
 */
public record Case(String name, Body body) {

    /** A case's steps; throws {@link Verdict.CaseFailure}, {@link Verdict.NotImplemented}, {@link Verdict.Skip}. */
    @FunctionalInterface
    public interface Body {
        /** Runs the case. */
        void run(Session s) throws Exception;
    }
}
