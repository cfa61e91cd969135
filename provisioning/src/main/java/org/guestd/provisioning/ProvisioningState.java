// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What provisioning did for one VM, as kept in the state file (so a reboot does not redo it and a
 * new VM from the same image, with a new id, does).
 *
 * @param vmId the VM the record is for
 * @param status where provisioning stands
 * @param reason why it failed (≤ 512 characters), or null
 * @param sources where the request came from ("ovf-env+imds")
 * @param user the admin user provisioned (deprovision --user deletes it), or null
 * @param startedMillis when this attempt began
 * @param finishedMillis when it ended (0 while in progress)
 * @param steps the audited actions of the last attempt, in order
 * @param report what was reported to the platform, or null before any report
 */
public record ProvisioningState(String vmId, Status status, String reason, String sources, String user,
        long startedMillis, long finishedMillis, List<Step> steps, Report report) {

    /** Where provisioning stands for the VM. */
    public enum Status {
        /** Started and not finished (an agent stop or crash in the middle): runs again. */
        IN_PROGRESS,
        /** Every action succeeded: never runs again for this VM. */
        PROVISIONED,
        /** An action failed: runs again at the next start (after a reboot). */
        FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Status parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * The last report to the platform.
     *
     * @param kvp the PROVISIONING_REPORT value written to the host's KVP pool, or null
     * @param health what the platform was told ("Ready", "NotReady"), or null when it was not reached
     * @param via how ("json /provisioning/health", "xml /machine?comp=health"), or the error
     * @param atMillis when
     */
    public record Report(String kvp, String health, String via, long atMillis) {}

    public ProvisioningState {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(status, "status");
        steps = List.copyOf(steps);
    }

    /** This state with {@code r} as its report. */
    public ProvisioningState withReport(Report r) {
        return new ProvisioningState(vmId, status, reason, sources, user, startedMillis, finishedMillis, steps, r);
    }

    /** Whether the platform was told Ready for this VM. */
    public boolean reportedReady() {
        return report != null && "Ready".equals(report.health());
    }
}
