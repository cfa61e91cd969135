// SPDX-License-Identifier: Apache-2.0
package org.guestd.shutdown;

import org.guestd.core.AgentException;

/**
 * Power actions on the guest ({@link LinuxPowerControl#fromConfig}). Protocol-neutral: QGA's
 * guest-shutdown / guest-suspend-*, Hyper-V's shutdown IC and Xen's control/shutdown all end here.
 * Every call runs the pre-action hooks, then the action, and writes one audit record.
 */
public interface PowerControl {
    /** A shutdown-type action. */
    enum PowerAction {
        POWERDOWN("powerdown", "poweroff", "-P"),
        HALT("halt", "halt", "-H"),
        REBOOT("reboot", "reboot", "-r");

        private final String actionName;
        private final String verb;
        private final String shutdownFlag;

        PowerAction(String actionName, String verb, String shutdownFlag) {
            this.actionName = actionName;
            this.verb = verb;
            this.shutdownFlag = shutdownFlag;
        }

        /** The action name given to hooks and the audit record: powerdown, halt, reboot. */
        public String actionName() {
            return actionName;
        }

        /** The systemctl verb and the name of the stand-alone program: poweroff, halt, reboot. */
        public String verb() {
            return verb;
        }

        /** The flag of {@code shutdown(8)}: -P, -H, -r. */
        public String shutdownFlag() {
            return shutdownFlag;
        }
    }

    /** A suspend mode, with the helper names qemu-ga uses for it. */
    enum SuspendMode {
        DISK("suspend-disk", "systemd-hibernate", "hibernate", "--hibernate", "pm-hibernate"),
        RAM("suspend-ram", "systemd-suspend", "suspend", "--suspend", "pm-suspend"),
        HYBRID("suspend-hybrid", "systemd-hybrid-sleep", "hybrid-sleep", "--suspend-hybrid", "pm-suspend-hybrid");

        private final String actionName;
        private final String systemdUnit;
        private final String systemctlVerb;
        private final String pmIsSupportedFlag;
        private final String pmProgram;

        SuspendMode(String actionName, String systemdUnit, String systemctlVerb, String pmIsSupportedFlag,
                String pmProgram) {
            this.actionName = actionName;
            this.systemdUnit = systemdUnit;
            this.systemctlVerb = systemctlVerb;
            this.pmIsSupportedFlag = pmIsSupportedFlag;
            this.pmProgram = pmProgram;
        }

        /** The action name given to hooks and the audit record: suspend-disk, suspend-ram, suspend-hybrid. */
        public String actionName() {
            return actionName;
        }

        /** The unit {@code systemctl status} is asked about. */
        public String systemdUnit() {
            return systemdUnit;
        }

        /** The systemctl verb. */
        public String systemctlVerb() {
            return systemctlVerb;
        }

        /** The pm-is-supported flag. */
        public String pmIsSupportedFlag() {
            return pmIsSupportedFlag;
        }

        /** The pm-utils program. */
        public String pmProgram() {
            return pmProgram;
        }
    }

    /**
     * Shuts the guest down. Returns once the system has accepted the request (the guest goes down
     * shortly after), as qemu-ga does before it sends nothing back.
     *
     * @param requester who asked, for the audit record (e.g. {@code "qga"})
     * @throws AgentException GenericError with qemu-ga's text when no method worked
     */
    void shutdown(PowerAction action, String requester) throws AgentException;

    /**
     * Suspends the guest (systemd, then pm-utils, then /sys/power).
     *
     * @throws AgentException {@code "the requested suspend mode is not supported by the guest"}
     *     when no method supports {@code mode}, else the last method's error
     */
    void suspend(SuspendMode mode, String requester) throws AgentException;
}
