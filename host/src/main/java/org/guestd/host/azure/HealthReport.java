// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.azure;

/**
 * A health report the emulated wire server accepted.
 *
 * @param kind "json" ({@code POST /provisioning/health}) or "xml" ({@code POST /machine?comp=health})
 * @param state "Ready" or "NotReady"
 * @param subStatus e.g. "ProvisioningFailed", or null
 * @param description the description, or null
 * @param agentName the x-ms-guest-agent-name / x-ms-agent-name header
 * @param atNanos System.nanoTime() when it arrived
 */
public record HealthReport(String kind, String state, String subStatus, String description, String agentName,
        long atNanos) {}
