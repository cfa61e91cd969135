// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.facts;

/**
 * Whether the host talks to the agent. Only the state is a fact (alive or not, contacts
 * counted in coarse steps are not): a value that changed with every ping would be pushed with
 * every ping.
 *
 * @param alive whether the last host contact is within the configured window
 * @param lastContactSource who saw the last contact ("qga"), or null when there was none
 */
public record LivenessFact(boolean alive, String lastContactSource) {}
