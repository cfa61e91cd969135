// SPDX-License-Identifier: Apache-2.0
package org.guestd.e2e;

/**
 * One case's result for one agent.
 *
 * @param name    the case's name
 * @param agent   the agent it ran against
 * @param outcome how it ended
 * @param detail  measured values and, for failures, the reason
 * @param millis  how long it took
 */
public record CaseResult(String name, Agent agent, Outcome outcome, String detail, long millis) {
}
